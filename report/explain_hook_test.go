package report_test

import (
	"github.com/leakhound/leakhound/explain"
	"github.com/leakhound/leakhound/report"
)

// The renderers' tests in package report render explained reports (see
// explained_test.go).
func init() {
	report.SetExplainReport(func(r *report.Report, noTypes bool) {
		explain.Report(r, explain.Options{NoTypes: noTypes})
	})
}
