package explain

import (
	"go/ast"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// onceWaits explains the groups that wait in sync.(*Once).Do
// (report.Report.ExplainOnce), naming the Once as the source shows it. A caller
// of Do that holds a lock the function's runner waits for gets the fix
// that releases it around the call; any other waits for the holder, which
// report.Report.FixVictims follows.
func (d *diagnoser) onceWaits(r *report.Report) {
	for _, g := range r.Groups {
		if !report.WaitsInOnce(g) {
			continue
		}
		h := r.ExplainOnce(g, d.onceAt(g.Block))
		if h == nil {
			continue
		}
		// A caller of Do that holds a lock the function's runner waits
		// for is the other half of the cycle: releasing that lock around
		// the call that leads to Do lets the function return.
		if w := d.waitOf(g); w != nil && len(w.held) > 0 {
			g.Diagnosis.Facts.Held = heldFacts(w.held)
			if fix := d.unlockAroundFix(g, r.Groups); fix != "" {
				g.Diagnosis.Fix = fix
				continue
			}
		}
		if d.partnerOf == nil {
			d.partnerOf = make(map[*report.Group]*report.Group)
		}
		d.partnerOf[g] = h // for FixVictims: Do returns once h does
	}
}

// onceAt returns the Once's text at a Do call, "the sync.Once" when the
// source does not show it.
func (d *diagnoser) onceAt(f profile.Frame) string {
	if d.src != nil {
		if file := d.src.file(f.File); file != nil {
			if s := file.locate(f.Line); s != nil {
				if n := s.onLine(func(n ast.Node) bool { _, name, ok := methodCall(n); return ok && name == "Do" }); n != nil {
					recv, _, _ := methodCall(n)
					return recv
				}
			}
		}
	}
	return "the sync.Once"
}
