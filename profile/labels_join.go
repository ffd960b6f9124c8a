package profile

import "maps"

// Joining labels from the goroutine profile.
//
// When traceback text carries no labels (the user set tracebacklabels=0, or
// a runtime ignores the setting), the pprof goroutine profile still knows
// them, but only per distinct stack, without goroutine IDs. joinLabels
// matches each goroutine of a traceback to the profile records with the
// same stack and copies their labels over when that is unambiguous:
//
//   - every profile record with that stack carries the same label set, and
//   - the profile counts as many goroutines with that stack as the traceback
//     shows (otherwise goroutines came or went between the two looks, and
//     the newcomers may be labelled differently).
//
// Anything else leaves Labels nil: a wrong label would blame the wrong test,
// a missing one only makes the report less specific.

// joinKeyDepth bounds how many frames a join key uses. Tracebacks elide the
// middle of very deep stacks and profiles cut them at their own depth, so
// only the innermost frames are comparable; stacks that differ deeper than
// this share a key, which makes the join ambiguous, never wrong.
const joinKeyDepth = 32

// joinLabels fills in Labels of the goroutines of s that have none, from the
// aggregated records of agg, where the match is exact (see above).
func joinLabels(s, agg *Snapshot) {
	type candidate struct {
		labels    map[string]string
		count     int
		ambiguous bool
	}
	byStack := make(map[string]*candidate)
	for _, r := range agg.Goroutines {
		k := stackKey(r.Frames, joinKeyDepth)
		c, ok := byStack[k]
		if !ok {
			byStack[k] = &candidate{labels: r.Labels, count: r.Weight()}
			continue
		}
		c.count += r.Weight()
		if !maps.Equal(c.labels, r.Labels) {
			c.ambiguous = true
		}
	}
	seen := make(map[string]int)
	keys := make([]string, len(s.Goroutines))
	for i, g := range s.Goroutines {
		keys[i] = stackKey(g.Frames, joinKeyDepth)
		seen[keys[i]] += g.Weight()
	}
	for i, g := range s.Goroutines {
		if g.Labels != nil {
			continue
		}
		c, ok := byStack[keys[i]]
		if !ok || c.ambiguous || c.labels == nil || c.count != seen[keys[i]] {
			continue
		}
		g.Labels = maps.Clone(c.labels)
	}
}
