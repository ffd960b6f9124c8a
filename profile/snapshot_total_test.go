package profile

// total is a helper of the tests; the package keeps it out of its API, as
// it is a loop over Goroutines.

// total returns how many goroutines s stands for: the number of records of a
// text dump, the sum of the counts of an aggregated profile.
func (s *Snapshot) total() int {
	if s == nil {
		return 0
	}
	n := 0
	for _, g := range s.Goroutines {
		n += recordCount(g)
	}
	return n
}
