package main

import (
	"testing"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/internal/judge"
)

// TestJudgeExamples runs the independent judge (internal/judge) over the
// reports of every leaky example, as the demo makes them: each claim of
// each group explained from source is re-derived from the type-checked
// source, and any the source contradicts fails the test. Groups whose
// diagnosis rests on the stack (the HTTP client's connection loops, which
// run in net/http) have no claims about the user's code to judge.
func TestJudgeExamples(t *testing.T) {
	judged := 0
	for _, s := range scenarios() {
		r, err := harness.Start(s)
		if err != nil {
			t.Fatal(err)
		}
		gs, err := r.Settle(settleBudget, nil)
		if err != nil {
			_ = releaseAll([]*harness.Run{r})
			t.Fatalf("%s: %v", s.Name, err)
		}
		rep := r.Report(gs)
		if err := releaseAll([]*harness.Run{r}); err != nil {
			t.Fatal(err)
		}
		for _, g := range rep.Groups {
			if !g.Diagnosis.FromSource {
				continue
			}
			judged++
			if judge.Load(t, g.Block.File) == nil {
				t.Errorf("%s: the judge cannot load %s", s.Name, g.Block.File)
				continue
			}
			if v := judge.Judge(t, rep, g); len(v.Contradicted) > 0 {
				t.Errorf("%s: %s at %s:%d: the source contradicts %q", s.Name, g.Diagnosis.PatternID, g.Block.File, g.Block.Line, v.Contradicted)
			}
		}
	}
	if judged < len(scenarios())-1 {
		t.Errorf("%d groups judged from source for %d examples", judged, len(scenarios()))
	}
	t.Logf("%d groups judged", judged)
}
