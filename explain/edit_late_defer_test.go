package explain

import "testing"

// lateDeferSource holds the deferred releases registered after an early
// return, and a near miss; see editCase for the marks.
const lateDeferSource = `package x

import (
	"errors"
	"sync"
)

// The deferred Unlock is registered after the early return: that return
// leaves the mutex locked, and the next begin waits forever.
type conn struct {
	mu   sync.RWMutex
	busy bool
}

func (c *conn) begin() error {
	c.mu.Lock() // mark:begin
	if c.busy {
		return errors.New("busy")
	}
	defer c.mu.Unlock()
	c.busy = true
	return nil
}

// The early return unlocks before it leaves: moving the defer above it
// would unlock twice.
type gate struct {
	mu   sync.Mutex
	open bool
}

func (g *gate) pass() error {
	g.mu.Lock() // mark:pass
	if !g.open {
		g.mu.Unlock()
		return errors.New("closed")
	}
	defer g.mu.Unlock()
	return nil
}

// The deferred Done is registered after the return on a failed acquire:
// Wait waits for a Done that never comes.
type sem struct {
	wg      sync.WaitGroup
	acquire func() error
}

func (s *sem) Go(f func()) {
	s.wg.Add(1)
	go func() {
		if err := s.acquire(); err != nil {
			return
		}
		defer s.wg.Done()
		f()
	}()
}

func (s *sem) Wait() {
	s.wg.Wait() // mark:semwait
}
`

// TestLateDeferEdits checks the edits moving a deferred Unlock or Done
// registered after an early return up to the Lock or the goroutine's
// start, and that an early return which unlocks itself gets no such move.
func TestLateDeferEdits(t *testing.T) {
	checkEditCases(t, lateDeferSource, []editCase{
		{"defer Unlock moved up to its Lock", "begin", "sync.RWMutex.Lock", "x.(*conn).begin", "",
			[]string{"+ defer c.mu.Unlock()", "- defer c.mu.Unlock()"}, "move defer c.mu.Unlock() right after c.mu.Lock()", ""},
		{"no move past an Unlock", "pass", "sync.Mutex.Lock", "x.(*gate).pass", "", nil, "", "no safe mechanical edit"},
		{"defer Done moved to the goroutine's start", "semwait", "sync.WaitGroup.Wait", "x.(*sem).Wait", "",
			[]string{"+ defer s.wg.Done()", "- defer s.wg.Done()"}, "move defer s.wg.Done() to the start of the goroutine", ""},
	})
}
