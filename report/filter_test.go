package report

import (
	"slices"
	"testing"
)

func TestFilter(t *testing.T) {
	tests := []struct {
		name      string
		keep      func(*Group) bool
		wantCount []int
		wantTotal int
	}{
		{"keep all", func(*Group) bool { return true }, []int{5, 3, 1}, 9},
		{"drop all", func(*Group) bool { return false }, []int{}, 0},
		{"drop the middle", func(g *Group) bool { return g.Reason != ReasonSelect }, []int{5, 1}, 6},
		{"keep the large", func(g *Group) bool { return g.Count >= 3 }, []int{5, 3}, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			groups := []*Group{
				{Reason: ReasonChanReceive, Count: 5},
				{Reason: ReasonSelect, Count: 3},
				{Reason: ReasonMutex, Count: 1},
			}
			r := &Report{Total: 9, Groups: slices.Clone(groups)}
			backing := r.Groups
			seen := 0
			got := r.Filter(func(g *Group) bool { seen++; return tt.keep(g) })
			if got != r {
				t.Fatal("Filter returned another report than its receiver")
			}
			if seen != len(groups) {
				t.Errorf("keep was called %d times, want once per group (%d)", seen, len(groups))
			}
			counts := []int{}
			for _, g := range r.Groups {
				counts = append(counts, g.Count)
			}
			if !slices.Equal(counts, tt.wantCount) {
				t.Errorf("kept groups of %v goroutines, want %v", counts, tt.wantCount)
			}
			if r.Total != tt.wantTotal {
				t.Errorf("Total = %d, want %d", r.Total, tt.wantTotal)
			}
			for i, g := range backing[len(r.Groups):] {
				if g != nil {
					t.Errorf("dropped slot %d still holds a group; it would not be collected", len(r.Groups)+i)
				}
			}
		})
	}
}
