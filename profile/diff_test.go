package profile

import (
	"maps"
	"slices"
	"testing"
)

// Frames for hand-built snapshots.
var (
	frameServe  = Frame{Func: "example.com/app.serve", File: "/src/app/serve.go", Line: 40}
	frameWorker = Frame{Func: "example.com/app.worker", File: "/src/app/worker.go", Line: 12}
	frameGopark = Frame{Func: "runtime.gopark", File: "/go/src/runtime/proc.go", Line: 460}
	frameChan   = Frame{Func: "runtime.chanrecv1", File: "/go/src/runtime/chan.go", Line: 506}
)

func TestDiffByID(t *testing.T) {
	g := func(id int64) *Goroutine { return &Goroutine{ID: id, Count: 1, Frames: []Frame{frameWorker}} }
	before := &Snapshot{Goroutines: []*Goroutine{g(1), g(2), g(3)}}
	after := &Snapshot{Goroutines: []*Goroutine{g(1), g(7), g(3), g(5)}}
	got := Diff(before, after)
	if len(got) != 2 || got[0] != after.Goroutines[1] || got[1] != after.Goroutines[3] {
		t.Fatalf("Diff = %v, want goroutines 7 and 5 of after, in after's order", ids(got))
	}
	if got := Diff(after, before); len(got) != 1 || got[0].ID != 2 {
		t.Errorf("reverse Diff = %v, want [2]", ids(got))
	}
	if got := Diff(nil, after); len(got) != 4 {
		t.Errorf("Diff(nil, after) has %d goroutines, want all 4", len(got))
	}
	if got := Diff(before, nil); got != nil {
		t.Errorf("Diff(before, nil) = %v, want nil", ids(got))
	}
}

func TestDiffAggregated(t *testing.T) {
	lbl := map[string]string{"leakhound.test": "T1"}
	rec := func(n int, labels map[string]string, frames ...Frame) *Goroutine {
		return &Goroutine{Count: n, Labels: labels, Frames: frames}
	}
	tests := []struct {
		name          string
		before, after []*Goroutine
		// want maps the index of each after record Diff should return to
		// the surplus count it should carry.
		want map[int]int
	}{
		{
			name:   "same stacks, more goroutines",
			before: []*Goroutine{rec(2, nil, frameWorker), rec(1, nil, frameServe)},
			after:  []*Goroutine{rec(5, nil, frameWorker), rec(1, nil, frameServe)},
			want:   map[int]int{0: 3},
		},
		{
			name:   "labels tell apart identical stacks",
			before: []*Goroutine{rec(2, nil, frameWorker)},
			after:  []*Goroutine{rec(2, nil, frameWorker), rec(1, lbl, frameWorker)},
			want:   map[int]int{1: 1},
		},
		{
			name:   "fewer goroutines after is no surplus",
			before: []*Goroutine{rec(4, nil, frameWorker)},
			after:  []*Goroutine{rec(1, nil, frameWorker)},
			want:   map[int]int{},
		},
		{
			name:   "runtime frames shown differently by two formats still match",
			before: []*Goroutine{rec(1, nil, frameGopark, frameChan, frameWorker)},
			after:  []*Goroutine{rec(2, nil, frameWorker)},
			want:   map[int]int{0: 1},
		},
		{
			name:   "a different line is a different stack",
			before: []*Goroutine{rec(1, nil, frameWorker)},
			after:  []*Goroutine{rec(1, nil, Frame{Func: frameWorker.Func, File: frameWorker.File, Line: 13})},
			want:   map[int]int{0: 1},
		},
		{
			name:   "same stack split over several after records",
			before: []*Goroutine{rec(3, nil, frameWorker)},
			after:  []*Goroutine{rec(2, nil, frameWorker), rec(2, nil, frameWorker)},
			want:   map[int]int{1: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := &Snapshot{Goroutines: tt.before}
			after := &Snapshot{Goroutines: tt.after}
			afterCounts := counts(after)
			got := Diff(before, after)
			// Records come back in after's order: pair them with the want
			// entries sorted by index.
			var idx []int
			for i := range tt.after {
				if _, ok := tt.want[i]; ok {
					idx = append(idx, i)
				}
			}
			if len(got) != len(idx) {
				t.Fatalf("Diff returned %d records, want %d (%v)", len(got), len(idx), tt.want)
			}
			for j, g := range got {
				orig := tt.after[idx[j]]
				if g.Count != tt.want[idx[j]] {
					t.Errorf("record for after[%d]: Count = %d, want %d", idx[j], g.Count, tt.want[idx[j]])
				}
				if g.Count == orig.Count && g != orig {
					t.Errorf("record for after[%d] is a copy although its whole count is new", idx[j])
				}
				if !maps.Equal(g.Labels, orig.Labels) || !slices.Equal(g.Frames, orig.Frames) {
					t.Errorf("record for after[%d] has other labels or frames than the original", idx[j])
				}
			}
			if !slices.Equal(counts(after), afterCounts) {
				t.Error("Diff changed the counts of after's records")
			}
		})
	}
}

// TestDiffMixed diffs an aggregate against a capture with IDs: the oldest
// goroutines of a stack are taken as the ones the aggregate already had.
func TestDiffMixed(t *testing.T) {
	before := &Snapshot{Goroutines: []*Goroutine{{Count: 1, Frames: []Frame{frameWorker}}}}
	after := &Snapshot{Goroutines: []*Goroutine{
		{ID: 30, Frames: []Frame{frameWorker}},
		{ID: 10, Frames: []Frame{frameWorker}},
		{ID: 20, Frames: []Frame{frameServe}},
	}}
	got := Diff(before, after)
	if want := []int64{30, 20}; !slices.Equal(ids(got), want) {
		t.Errorf("Diff = %v, want %v", ids(got), want)
	}
}

func TestSnapshotLabelQueries(t *testing.T) {
	s := &Snapshot{Goroutines: []*Goroutine{
		{Count: 3, Labels: map[string]string{"leakhound.test": "A", "x": "1"}},
		{Count: 0, Labels: map[string]string{"leakhound.test": "A"}}, // no count: one goroutine
		{Count: 2, Labels: map[string]string{"leakhound.test": "B"}},
		{Count: 4},
	}}
	tests := []struct {
		key, value string
		count      int
	}{
		{"leakhound.test", "A", 4},
		{"leakhound.test", "B", 2},
		{"leakhound.test", "", 0},
		{"x", "1", 3},
		{"missing", "A", 0},
	}
	for _, tt := range tests {
		if got := s.Count(tt.key, tt.value); got != tt.count {
			t.Errorf("Count(%q, %q) = %d, want %d", tt.key, tt.value, got, tt.count)
		}
	}
	if got := s.total(); got != 10 {
		t.Errorf("total = %d, want 10", got)
	}
	var nilSnap *Snapshot
	if nilSnap.Count("k", "v") != 0 || nilSnap.total() != 0 {
		t.Error("a nil snapshot should have no goroutines")
	}
}

func TestJoinLabels(t *testing.T) {
	a := map[string]string{"leakhound.test": "A"}
	b := map[string]string{"leakhound.test": "B"}
	frameOther := Frame{Func: "example.com/app.other", File: "/src/app/other.go", Line: 3}
	capture := &Snapshot{Goroutines: []*Goroutine{
		{ID: 1, Frames: []Frame{frameWorker}},                                     // stack with one label set
		{ID: 2, Frames: []Frame{frameWorker}},                                     // same
		{ID: 3, Frames: []Frame{frameServe}},                                      // stack with two label sets
		{ID: 4, Frames: []Frame{frameServe}},                                      // same
		{ID: 5, Frames: []Frame{frameOther}},                                      // count disagrees
		{ID: 6, Frames: []Frame{frameChan, frameOther, frameServe}},               // not in the profile
		{ID: 7, Frames: []Frame{frameGopark, frameWorker, frameOther}, Labels: b}, // keeps its own
	}}
	agg := &Snapshot{Goroutines: []*Goroutine{
		{Count: 2, Labels: a, Frames: []Frame{frameGopark, frameWorker}},
		{Count: 1, Labels: a, Frames: []Frame{frameServe}},
		{Count: 1, Labels: b, Frames: []Frame{frameServe}},
		{Count: 2, Labels: a, Frames: []Frame{frameOther}},
		{Count: 1, Labels: a, Frames: []Frame{frameWorker, frameOther}},
	}}
	joinLabels(capture, agg)
	want := []map[string]string{a, a, nil, nil, nil, nil, b}
	for i, g := range capture.Goroutines {
		if !maps.Equal(g.Labels, want[i]) || (want[i] == nil) != (g.Labels == nil) {
			t.Errorf("goroutine %d: Labels = %v, want %v", g.ID, g.Labels, want[i])
		}
	}
	capture.Goroutines[0].Labels["leakhound.test"] = "changed"
	if agg.Goroutines[0].Labels["leakhound.test"] != "A" {
		t.Error("joinLabels shares label maps between snapshots")
	}
}

func ids(gs []*Goroutine) []int64 {
	var out []int64
	for _, g := range gs {
		out = append(out, g.ID)
	}
	return out
}

func counts(s *Snapshot) []int {
	var out []int
	for _, g := range s.Goroutines {
		out = append(out, g.Count)
	}
	return out
}
