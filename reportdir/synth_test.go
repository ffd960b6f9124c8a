package reportdir

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// synthDoc is a package document as a leaking package's tests write it:
// goroutines leaked goroutines in groups of perGroup, each group with a
// full stack, IDs, a test and a diagnosis, the shape the merge benchmark
// and tests feed Merge.
func synthDoc(pkg string, goroutines, perGroup int, at time.Time) *report.Document {
	reasons := []report.Reason{report.ReasonChanSend, report.ReasonChanReceive, report.ReasonSelect, report.ReasonMutex, report.ReasonWaitGroup}
	d := &report.Document{Package: pkg, GeneratedAt: at}
	id := int64(100)
	for test := 0; goroutines > 0; test++ {
		r := &report.Report{Title: fmt.Sprintf("TestLeak%d", test), Package: pkg, ModuleRoot: "/src/" + pkg}
		for range 4 {
			if goroutines == 0 {
				break
			}
			n := min(perGroup, goroutines)
			goroutines -= n
			k := len(r.Groups) + 4*test
			block := profile.Frame{Func: fmt.Sprintf("%s.worker%d.func1", pkg, k), File: fmt.Sprintf("/src/%s/w%d.go", pkg, k), Line: 20 + k}
			creator := profile.Frame{Func: fmt.Sprintf("%s.worker%d", pkg, k), File: block.File, Line: 10 + k}
			g := &report.Group{
				Reason: reasons[k%len(reasons)], State: "chan send", Count: n, Tests: []string{r.Title},
				Block: block, CreatedBy: &creator,
				Diagnosis: report.Diagnosis{PatternID: "LH001", Summary: "the send at `ch <- v` has no receiver left", Evidence: []string{"wait state chan send", "source read"}, FromSource: true},
			}
			for range n {
				g.IDs = append(g.IDs, id)
				id++
			}
			g.Stack = &profile.Goroutine{ID: g.IDs[0], State: g.State, Count: 1, CreatedBy: &creator, ParentID: 7, Frames: []profile.Frame{
				{Func: "runtime.gopark", File: "/go/src/runtime/proc.go", Line: 435},
				{Func: "runtime.chansend", File: "/go/src/runtime/chan.go", Line: 259},
				{Func: "runtime.chansend1", File: "/go/src/runtime/chan.go", Line: 161},
				block,
				{Func: fmt.Sprintf("%s.helper%d", pkg, k), File: block.File, Line: 40},
				{Func: fmt.Sprintf("%s.run%d", pkg, k), File: block.File, Line: 50},
			}}
			r.Groups = append(r.Groups, g)
			r.Total += n
		}
		d.Reports = append(d.Reports, r)
	}
	return d
}

// writeShard writes docs as the package files of a report directory, as
// the tests of one CI job leave it.
func writeShard(t testing.TB, dir string, docs ...*report.Document) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		f, err := os.Create(filepath.Join(dir, packageFiles(d.Package).JSON))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.WriteJSON(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// docTotal counts a document's goroutines from its groups.
func docTotal(d *report.Document) int {
	n := 0
	for _, r := range d.Reports {
		for _, g := range r.Groups {
			n += g.Count
		}
	}
	return n
}
