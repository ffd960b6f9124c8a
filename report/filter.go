package report

// Filter keeps the groups for which keep returns true, in their order, and
// sets Total to the goroutines left. It changes r in place and returns it,
// so a report can be narrowed after New without being rebuilt; keep sees
// every group once, which lets a caller count what it drops.
func (r *Report) Filter(keep func(*Group) bool) *Report {
	kept := r.Groups[:0]
	total := 0
	for _, g := range r.Groups {
		if keep(g) {
			kept = append(kept, g)
			total += g.Count
		}
	}
	// Clear the tail so the dropped groups can be collected.
	clear(r.Groups[len(kept):])
	r.Groups, r.Total = kept, total
	return r
}
