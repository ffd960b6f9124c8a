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
			n += g.Weight()
		}
	}
	return n
}

// WithLabel returns the goroutines of s that carry the pprof label
// key=value, in the snapshot's order. Use it to pick out the goroutines a
// labelled piece of work (a test, a request) left behind.
func (s *Snapshot) WithLabel(key, value string) []*Goroutine {
	if s == nil {
		return nil
	}
	var out []*Goroutine
	for _, g := range s.Goroutines {
		if v, ok := g.Labels[key]; ok && v == value {
			out = append(out, g)
		}
	}
	return out
}

// Total returns how many goroutines s stands for: the number of records of a
// text dump, the sum of the counts of an aggregated profile.
func (s *Snapshot) Total() int {
	if s == nil {
		return 0
	}
	n := 0
	for _, g := range s.Goroutines {
		n += g.Weight()
	}
	return n
}
