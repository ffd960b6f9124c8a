package explain

import "github.com/leakhound/leakhound/report"

// Options adjust how Report explains a report.
type Options struct {
	// NoTypes keeps the explanation on the syntax: the packages on the
	// stack are not type-checked (no go list is run), and values are
	// matched by their names.
	NoTypes bool
}

// Report explains r from the source at each group's blocking line: it
// gives each group the diagnosis the source supports, with its Facts, the
// fix in the code's own names and, where a mechanical change is safe, a
// Suggestion; it names the partners groups wait on and records the Cycles
// among them. It reads what r.Sources allows, each file at most once; a
// report that reads no source (report.Options.NoSource, or one read from
// JSON) keeps the diagnoses report.New gave it from the stack.
//
// Report replaces what an earlier call explained, so calling it twice
// gives the same report.
func Report(r *report.Report, opts Options) {
	src := r.Sources()
	if src == nil {
		return
	}
	d := &diagnoser{r: r, root: r.ModuleRoot, pkg: r.Package, src: newSourceCache(src)}
	d.src.noTypes = opts.NoTypes
	r.Cycles = nil
	for _, g := range r.Groups {
		summary := g.Diagnosis.Summary
		g.Diagnosis = d.diagnose(g)
		if r.Dump && g.Reason == report.ReasonRunning {
			// report.New's word on a running goroutine of a dump stands:
			// it is busy, there is nothing to fix. The source read is
			// evidence still.
			g.Diagnosis = report.Diagnosis{Summary: summary, Evidence: g.Diagnosis.Evidence}
		}
	}
	d.relate(r)
	for _, g := range r.Groups {
		d.suggest(g)
	}
	d.unlockAroundFixes(r)
	d.moveFixes(r)
	d.timerDrainFixes(r)
	r.FixVictims(d.partnerOf)
}
