// Package semgroupacquiredone reproduces a deadlock fixed in fatih's
// semgroup (https://github.com/fatih/semgroup/pull/2).
//
// Go added one to the group's WaitGroup, then the started goroutine
// acquired the semaphore and deferred Done only after acquiring. When the
// acquisition failed (the group's context was cancelled), the goroutine
// returned without Done, so Wait blocked forever. The fix calls Done when
// the acquisition fails.
package semgroupacquiredone

import (
	"context"
	"sync"
)

// Group runs functions with at most cap(sem) at a time.
type Group struct {
	ctx  context.Context
	sem  chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	errs []error
}

// NewGroup returns a group that runs at most n functions at once.
func NewGroup(ctx context.Context, n int) *Group {
	return &Group{ctx: ctx, sem: make(chan struct{}, n)}
}

func (g *Group) acquire() error {
	if err := g.ctx.Err(); err != nil {
		return err
	}
	select {
	case g.sem <- struct{}{}:
		return nil
	case <-g.ctx.Done():
		return g.ctx.Err()
	}
}

func (g *Group) addErr(err error) {
	g.mu.Lock()
	g.errs = append(g.errs, err)
	g.mu.Unlock()
}

// Go runs f once the semaphore allows.
func (g *Group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		if err := g.acquire(); err != nil {
			g.addErr(err)
			return
		}
		defer g.wg.Done()
		defer func() { <-g.sem }()
		if err := f(); err != nil {
			g.addErr(err)
		}
	}()
}

// Wait waits for every function and returns the first error.
func (g *Group) Wait() error {
	g.wg.Wait()
	if len(g.errs) > 0 {
		return g.errs[0]
	}
	return nil
}

// Run runs a function in a group whose context is already cancelled, and
// waits for the group from a goroutine, as a server's shutdown would.
func Run() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	g := NewGroup(ctx, 1)
	g.Go(func() error { return nil })
	go func() {
		_ = g.Wait()
	}()
}
