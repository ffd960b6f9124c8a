package leakcheck

import (
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// TestMarkLeaked: a survivor the capture after the proof marks leaked
// counts as proven, and a goroutine running or runnable never does, whatever
// its mark.
func TestMarkLeaked(t *testing.T) {
	blocked := frames("example.com/p.worker")
	tests := []struct {
		name       string
		captured   *profile.Goroutine
		wantMarked bool
	}{
		{"marked and blocked", &profile.Goroutine{ID: 7, State: "chan receive", Leaked: true, Frames: blocked}, true},
		{"marked but runnable", &profile.Goroutine{ID: 7, State: "runnable", Leaked: true, Frames: blocked}, false},
		{"not marked", &profile.Goroutine{ID: 7, State: "sync.Mutex.Lock", Frames: blocked}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaks := []report.Leak{{Goroutine: tt.captured, Test: "TestX", Attribution: profile.ByLabel}}
			n := markLeaked(leaks)
			if got := n == 1; got != tt.wantMarked || leaks[0].Goroutine.Leaked != tt.wantMarked {
				t.Errorf("marked %d (leaked = %v), want marked = %v", n, leaks[0].Goroutine.Leaked, tt.wantMarked)
			}
		})
	}
}

// TestAllProven: the proof's aggregated records settle a verdict without a
// look after the proof only when they must cover every survivor: nothing
// created since the look, every survivor labelled by this check and
// blocked, and exactly as many leaked goroutines with the label.
func TestAllProven(t *testing.T) {
	const label = "TestX#1"
	blocked := func(id int64) report.Leak {
		return report.Leak{Goroutine: &profile.Goroutine{ID: id, State: "chan receive", Labels: map[string]string{LabelKey: label}}, Attribution: profile.ByLabel}
	}
	record := func(lbl string, n int) *profile.Goroutine {
		return &profile.Goroutine{Count: n, Labels: map[string]string{LabelKey: lbl}}
	}
	tests := []struct {
		name    string
		leaks   []report.Leak
		records []*profile.Goroutine
		moved   bool // a goroutine was created since the look
		want    bool
	}{
		{name: "every survivor counted", leaks: []report.Leak{blocked(1), blocked(2)}, records: []*profile.Goroutine{record(label, 2), record("TestY#2", 5)}, want: true},
		{name: "one short", leaks: []report.Leak{blocked(1), blocked(2)}, records: []*profile.Goroutine{record(label, 1)}},
		{name: "created since the look", leaks: []report.Leak{blocked(1)}, records: []*profile.Goroutine{record(label, 1)}, moved: true},
		{name: "a survivor without the label", leaks: []report.Leak{blocked(1), {Goroutine: &profile.Goroutine{ID: 2, State: "chan receive"}, Attribution: profile.ByAlone}}, records: []*profile.Goroutine{record(label, 2)}},
		{name: "a survivor running", leaks: []report.Leak{{Goroutine: &profile.Goroutine{ID: 1, State: "runnable"}, Attribution: profile.ByLabel}}, records: []*profile.Goroutine{record(label, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, ok := goroutinesCreated()
			if !ok {
				t.Skip("this runtime does not count created goroutines")
			}
			if tt.moved {
				now--
			}
			tc := &testCheck{label: label, pendingCreated: now, pendingCreatedOK: true}
			if got := tc.allProven(&profile.Snapshot{Goroutines: tt.records}, tt.leaks); got != tt.want {
				t.Errorf("allProven = %v, want %v", got, tt.want)
			}
			if tc.allProven(&profile.Snapshot{Goroutines: tt.records}, tt.leaks) {
				t.Errorf("a second call stood on the same look")
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
	proven := false
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
			p := g(1001, "chan send")
			p.Leaked = proven
			return &profile.Snapshot{Goroutines: []*profile.Goroutine{p, g(1002, "runnable")}}, nil
		}
		c.look.proof = func(bool) (*profile.Snapshot, error) {
			// The survivor is proven; the capture after the proof shows it
			// marked, and the goroutine it started since the first look.
			proven = true
			return &profile.Snapshot{Goroutines: []*profile.Goroutine{{Count: 1, Labels: map[string]string{LabelKey: label}}}}, nil
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
