package profile

// Count returns how many goroutines of s carry the pprof label key=value,
// adding up the Count of aggregated records. It is the question a clean-path
// check asks of CaptureAggregate: "are any goroutines labelled with this
// test's ID still alive?". A record without a Count counts as one goroutine;
// a nil snapshot has none.
func (s *Snapshot) Count(key, value string) int {
	if s == nil {
		return 0
	}
	n := 0
	for _, g := range s.Goroutines {
		if v, ok := g.Labels[key]; ok && v == value {
			n += recordCount(g)
		}
	}
	return n
}
