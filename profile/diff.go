package profile

import (
	"cmp"
	"slices"
	"strings"
)

// Diff returns the goroutines of after that are not in before: the ones a
// piece of code started and left running between two snapshots.
//
// When every goroutine of both snapshots has an ID (Capture, CaptureLeaked,
// text dumps), goroutines are matched by ID, and the result is after's own
// records, in after's order.
//
// Otherwise (CaptureAggregate, pprof profiles) goroutines are matched by
// stack and labels: for each distinct stack (function, file and line of each
// frame, the runtime's own frames left out, since each format shows different
// ones of those) and label set, the goroutines before had are subtracted from the
// ones after has. Each returned record is one of after's, or a copy of it
// whose Count is the surplus. When after has IDs but before has none, the
// goroutines with the lowest IDs, the oldest, are taken as the ones before
// already had.
//
// Nil snapshots count as empty.
func Diff(before, after *Snapshot) []*Goroutine {
	if after == nil {
		return nil
	}
	if before == nil {
		before = &Snapshot{}
	}
	if allHaveIDs(before) && allHaveIDs(after) {
		had := make(map[int64]bool, len(before.Goroutines))
		for _, g := range before.Goroutines {
			had[g.ID] = true
		}
		var added []*Goroutine
		for _, g := range after.Goroutines {
			if !had[g.ID] {
				added = append(added, g)
			}
		}
		return added
	}

	remaining := make(map[string]int, len(before.Goroutines))
	for _, g := range before.Goroutines {
		remaining[diffKey(g)] += g.Weight()
	}
	// Oldest first, so the goroutines before already had use up its counts
	// and the newest are left over.
	order := make([]int, len(after.Goroutines))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(after.Goroutines[a].ID, after.Goroutines[b].ID)
	})
	surplus := make([]int, len(after.Goroutines))
	for _, i := range order {
		g := after.Goroutines[i]
		k := diffKey(g)
		n := g.Weight()
		used := min(n, remaining[k])
		remaining[k] -= used
		surplus[i] = n - used
	}
	var added []*Goroutine
	for i, g := range after.Goroutines {
		switch {
		case surplus[i] == 0:
		case surplus[i] == g.Weight():
			added = append(added, g)
		default:
			c := *g
			c.Count = surplus[i]
			added = append(added, &c)
		}
	}
	return added
}

// allHaveIDs reports whether every goroutine of s has an ID. An empty
// snapshot qualifies: it rules nothing out.
func allHaveIDs(s *Snapshot) bool {
	for _, g := range s.Goroutines {
		if g.ID == 0 {
			return false
		}
	}
	return true
}

// diffKey identifies a goroutine by its stack and its label set.
func diffKey(g *Goroutine) string {
	var b strings.Builder
	b.WriteString(stackKey(g.Frames, 0))
	b.WriteByte('\n')
	keys := make([]string, 0, len(g.Labels))
	for k := range g.Labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(g.Labels[k])
		b.WriteByte(0)
	}
	return b.String()
}
