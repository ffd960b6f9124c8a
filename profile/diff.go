package profile

// Diff returns the goroutines of after that are not in before. (Stub.)
func Diff(before, after *Snapshot) []*Goroutine { return nil }
