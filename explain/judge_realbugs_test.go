package explain

import (
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/judge"
	"github.com/leakhound/leakhound/internal/realbugs"
	"github.com/leakhound/leakhound/report"
)

// TestJudgeRealBugs runs the judge over the real-bug corpus
// (internal/realbugs: small reproductions of leaks fixed in public
// projects), as TestGokerScore does over the GoKer kernels: each case runs
// in this process until its goroutine blocks where the case's truth says,
// the goroutines it started are explained from their source, and every
// structured claim of every group is re-derived by the judge. Any claim
// the source contradicts fails the test.
func TestJudgeRealBugs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every case of the real-bug corpus")
	}
	judged := 0
	for _, c := range realbugs.Cases() {
		// Not parallel: a case tells its goroutines apart by ID from
		// those alive before it ran.
		capt, err := c.Leak(10 * time.Second)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		leaks, root, err := c.Leaks(capt)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		r := explained(leaks, report.Options{Title: c.Name, ModuleRoot: root}, Options{})
		for _, g := range r.Groups {
			if !g.Diagnosis.FromSource {
				continue
			}
			judged++
			if v := judge.Judge(t, r, g); len(v.Contradicted) > 0 {
				t.Errorf("%s: %s at %s:%d: the source contradicts %q", c.Name, g.Diagnosis.PatternID, g.Block.File, g.Block.Line, v.Contradicted)
			}
		}
	}
	t.Logf("%d groups of %d cases judged", judged, len(realbugs.Cases()))
	if judged < len(realbugs.Cases()) {
		t.Errorf("only %d groups judged for %d cases: the source was not read", judged, len(realbugs.Cases()))
	}
}
