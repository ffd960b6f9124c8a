package realbugs

import (
	"fmt"
	"os"
	"slices"

	"github.com/leakhound/leakhound/explain"
	"github.com/leakhound/leakhound/report"
)

// ReportClaims is the Diagnose of today's explanation: the case's leaks
// (Case.Leaks) grouped by report.New and explained by explain.Report
// with the case's module as ModuleRoot (so the source is read), each
// group turned into a Claim from the diagnosis's facts (never from its
// prose).
func ReportClaims(c Case, capt Capture) ([]Claim, error) {
	leaks, root, err := c.Leaks(capt)
	if err != nil {
		return nil, err
	}
	r := report.New(leaks, report.Options{Title: c.Name, ModuleRoot: root})
	explain.Report(r, explain.Options{})
	var claims []Claim
	for _, g := range r.Groups {
		d := g.Diagnosis
		f := d.Facts
		cl := Claim{IDs: g.IDs, Block: Loc{g.Block.File, g.Block.Line}, Pattern: d.PatternID, Cycle: f.Cycle > 0, Fix: d.Fix}
		if cl.Fix == "" {
			cl.Fix = d.Summary
		}
		add := func(ref report.SourceRef) {
			if l := (Loc{ref.File, ref.Line}); !slices.Contains(cl.Partners, l) {
				cl.Partners = append(cl.Partners, l)
			}
		}
		for _, p := range f.Partners {
			add(p)
		}
		if f.Select != nil {
			for _, sc := range f.Select.Cases {
				for _, p := range sc.Partners {
					add(p)
				}
			}
		}
		if f.Cycle > 0 {
			cy := r.Cycles[f.Cycle-1]
			for i, gi := range cy.Groups {
				if r.Groups[gi] == g {
					add(cy.Edges[i].Release)
				}
			}
		}
		if f.Closer != nil {
			cl.Closer = f.Closer.Type + "." + f.Closer.Method
		}
		if d.Suggestion != nil && len(d.Suggestion.Edits) > 0 {
			cl.Edited, err = applyEdits(d.Suggestion.Edits)
			if err != nil {
				return nil, err
			}
		}
		claims = append(claims, cl)
	}
	return claims, nil
}

// applyEdits returns the files edits change, edited, by path.
func applyEdits(edits []report.Edit) (map[string][]byte, error) {
	byFile := make(map[string][]report.Edit)
	for _, e := range edits {
		byFile[e.File] = append(byFile[e.File], e)
	}
	out := make(map[string][]byte)
	for file, es := range byFile {
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		if out[file], err = report.ApplyEdits(src, es); err != nil {
			return nil, fmt.Errorf("applying the suggested edits: %w", err)
		}
	}
	return out, nil
}
