package store

import "testing"

// TestWatch leaks a watcher that waits for a change nobody makes.
func TestWatch(t *testing.T) {
	changed := make(chan string)
	go func() {
		for name := range changed {
			_ = fixture.Get(name)
		}
	}()
}
