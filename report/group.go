package report

// Options adjust how New builds a report.
type Options struct {
	// Title names what was checked (a test, a package, a file).
	Title string
	// Package is the import path of the package under test, when known.
	Package string
	// ModuleRoot is the directory of the user's go.mod; paths under it are
	// shown relative to it. Empty means paths are shown as captured.
	ModuleRoot string
	// NoSource turns off reading source files for the diagnosis.
	NoSource bool
}

// New classifies and groups leaks into a report. (Stub: replaced by the
// report implementation.)
func New(leaks []Leak, opts Options) *Report {
	r := &Report{Title: opts.Title, Package: opts.Package}
	for _, l := range leaks {
		g := l.Goroutine
		grp := &Group{Reason: ReasonUnknown, State: g.State, Count: g.Count, Stack: g}
		if grp.Count == 0 {
			grp.Count = 1
		}
		if g.ID != 0 {
			grp.IDs = []int64{g.ID}
		}
		if l.Test != "" {
			grp.Tests = []string{l.Test}
		}
		if len(g.Frames) > 0 {
			grp.Block = g.Frames[0]
		}
		r.Groups = append(r.Groups, grp)
		r.Total += grp.Count
	}
	return r
}
