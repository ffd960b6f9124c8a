package explain

import "github.com/leakhound/leakhound/report"

// explained is the report of leaks as leakcheck makes it: report.New, then
// Report.
func explained(leaks []report.Leak, opts report.Options, eopts Options) *report.Report {
	r := report.New(leaks, opts)
	Report(r, eopts)
	return r
}
