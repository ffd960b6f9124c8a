package report

// Reports of real leaks are rendered here as leakcheck renders them:
// explained from source by package explain. Package explain imports
// report, so report's own tests cannot import it; the external test
// package (explain_hook_test.go) hands it in before any test runs.

// explainReport is explain.Report for these tests; noTypes is
// explain.Options.NoTypes.
var explainReport func(r *Report, noTypes bool)

// SetExplainReport lets the external test package set explainReport.
func SetExplainReport(f func(r *Report, noTypes bool)) { explainReport = f }

// newExplained is New, then the explanation.
func newExplained(leaks []Leak, opts Options) *Report {
	r := New(leaks, opts)
	explainReport(r, false)
	return r
}
