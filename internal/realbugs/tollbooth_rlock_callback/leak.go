// Package tollboothrlockcallback reproduces a deadlock fixed in the
// tollbooth rate limiter (https://github.com/didip/tollbooth/pull/107,
// issue https://github.com/didip/tollbooth/issues/106).
//
// ExecOnLimitReached held the limiter's read lock while it ran the user's
// on-limit-reached function. When that function read the limiter again
// (another RLock) while a writer was waiting for the lock, the inner RLock
// queued behind the writer, which waited for the outer read lock: neither
// could proceed. The fix releases the read lock once the function has been
// read, before calling it.
package tollboothrlockcallback

import (
	"runtime"
	"sync"
)

// Limiter limits requests and runs a function when the limit is reached.
type Limiter struct {
	sync.RWMutex
	max            int
	onLimitReached func()
}

// GetMax returns the limit.
func (l *Limiter) GetMax() int {
	l.RLock()
	defer l.RUnlock()
	return l.max
}

// SetMax sets the limit.
func (l *Limiter) SetMax(max int) {
	l.Lock()
	defer l.Unlock()
	l.max = max
}

// ExecOnLimitReached runs the on-limit-reached function.
func (l *Limiter) ExecOnLimitReached() {
	l.RLock()
	defer l.RUnlock()

	fn := l.onLimitReached
	if fn != nil {
		fn()
	}
}

// Run rejects a request whose on-limit-reached function reads the limit
// while an operator's goroutine changes it. The function waits until the
// change is under way (the writer waits for the lock, or is done) before
// reading, so the run does not depend on timing.
func Run() {
	l := &Limiter{max: 1}
	changed := make(chan struct{})
	l.onLimitReached = func() {
		go func() {
			defer close(changed)
			l.SetMax(2)
		}()
		for waiting := false; !waiting; {
			select {
			case <-changed:
				waiting = true
			default:
				if waiting = !l.TryRLock(); !waiting {
					l.RUnlock()
					runtime.Gosched()
				}
			}
		}
		_ = l.GetMax()
	}
	go l.ExecOnLimitReached()
}
