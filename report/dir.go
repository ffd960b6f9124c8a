package report

import "errors"

// WriteDir writes the reports of one package into dir (HTML, JSON and pprof
// files) and refreshes dir/index.html. (Stub.)
func WriteDir(dir, pkg string, reports []*Report) error {
	return errors.New("report files not implemented yet")
}
