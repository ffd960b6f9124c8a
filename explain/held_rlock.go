package explain

// holdsReadLock reports whether the goroutine holds, where it blocks, a
// read lock of the mutex it waits for: the recursive read lock a waiting
// writer turns into a deadlock.
func (e *editor) holdsReadLock() bool {
	f := e.g.Diagnosis.Facts
	for _, h := range f.Held {
		if h.Read && lastName(h.Mutex) == lastName(f.Object) {
			return true
		}
	}
	return false
}
