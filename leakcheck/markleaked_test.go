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
			leaks := []report.Leak{{Goroutine: tt.captured, Test: "TestX", Attribution: byLabel}}
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
			if leaks[0].Test != "TestX" || leaks[0].Attribution != byLabel {
				t.Errorf("the test tie was lost: %+v", leaks[0])
			}
		})
	}
}
