package leakcheck

import (
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// TestMarkLeaked: a survivor the proof lists is shown as the proof saw it,
// and a goroutine running or runnable is never proven, whatever the
// capture it came from said.
func TestMarkLeaked(t *testing.T) {
	blocked := frames("example.com/p.worker")
	tests := []struct {
		name       string
		captured   *profile.Goroutine
		proof      *profile.Goroutine // nil: not in the proof
		wantMarked bool
		wantState  string
	}{
		{
			name:       "capture older than the proof",
			captured:   &profile.Goroutine{ID: 7, State: "runnable", Frames: blocked},
			proof:      &profile.Goroutine{ID: 7, State: "chan receive", Leaked: true, Frames: blocked},
			wantMarked: true,
			wantState:  "chan receive",
		},
		{
			name:      "runnable in the proof",
			captured:  &profile.Goroutine{ID: 7, State: "chan receive", Frames: blocked},
			proof:     &profile.Goroutine{ID: 7, State: "runnable", Leaked: true, Frames: blocked},
			wantState: "chan receive",
		},
		{
			name:      "not in the proof",
			captured:  &profile.Goroutine{ID: 7, State: "runnable", Frames: blocked},
			wantState: "runnable",
		},
		{
			name:       "same state in both",
			captured:   &profile.Goroutine{ID: 7, State: "sync.Mutex.Lock", Frames: blocked},
			proof:      &profile.Goroutine{ID: 7, State: "sync.Mutex.Lock", Leaked: true, Frames: blocked},
			wantMarked: true,
			wantState:  "sync.Mutex.Lock",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaks := []report.Leak{{Goroutine: tt.captured, Test: "TestX", Attribution: profile.ByLabel}}
			proof := &profile.Snapshot{}
			if tt.proof != nil {
				proof.Goroutines = append(proof.Goroutines, tt.proof)
			}
			n := markLeaked(leaks, proof)
			if got := n == 1; got != tt.wantMarked {
				t.Errorf("marked %d, want marked = %v", n, tt.wantMarked)
			}
			g := leaks[0].Goroutine
			if g.Leaked != tt.wantMarked || g.State != tt.wantState {
				t.Errorf("shown as %q, leaked = %v; want %q, %v", g.State, g.Leaked, tt.wantState, tt.wantMarked)
			}
			if leaks[0].Test != "TestX" || leaks[0].Attribution != profile.ByLabel {
				t.Errorf("the test tie was lost: %+v", leaks[0])
			}
		})
	}
}

// TestProofDoesNotHideLaterGoroutines: a survivor that starts a goroutine
// and then blocks for good between the check's look and the proof must not
// end the check on the look alone. Found on the GoKer kernel Cockroach35073
// (Go 1.27.3, and 1.26.8 with the leak profile): Check reported 1 of its 2
// leaked goroutines, the one proven, not the one it had just started.
func TestProofDoesNotHideLaterGoroutines(t *testing.T) {
	if !profile.LeakProfileAvailable() {
		t.Skip("this runtime never asks for proof")
	}
	var label string
	looks := 0
	g := func(id int64, state string) *profile.Goroutine {
		return &profile.Goroutine{ID: id, State: state, Labels: map[string]string{LabelKey: label},
			Frames: []profile.Frame{{Func: "example.com/p.push"}}}
	}
	fakes := optionFunc(func(c *config) {
		c.look.look = nil // so that every capture goes through full
		c.look.full = func() (*profile.Snapshot, error) {
			looks++
			if looks == 1 {
				// The first look: the survivor has not blocked yet.
				return &profile.Snapshot{Goroutines: []*profile.Goroutine{g(1001, "runnable")}}, nil
			}
			// Later: it blocked, after starting another.
			return &profile.Snapshot{Goroutines: []*profile.Goroutine{g(1001, "chan send"), g(1002, "runnable")}}, nil
		}
		c.look.proof = func(bool) (*profile.Snapshot, error) {
			// The proof's traceback holds every goroutine: the survivor,
			// proven, and the one it started since the first look.
			p := g(1001, "chan send")
			p.Leaked = true
			return &profile.Snapshot{Goroutines: []*profile.Goroutine{p, g(1002, "runnable")}}, nil
		}
	})
	ft, tc := startCheck(t, "TestProofRace", SettleBudget(leakBudget), fakes, NoSource())
	label = tc.label
	// A real goroutine new since Check, so the check takes full looks.
	p := park()
	defer p.stop()
	ft.runCleanups()
	ids := map[int64]bool{}
	for _, l := range tc.result.leaks {
		ids[l.Goroutine.ID] = true
	}
	if !ids[1001] || !ids[1002] {
		t.Fatalf("survivors %v, want 1001 and 1002: the goroutine started before the proof was missed", ids)
	}
}
