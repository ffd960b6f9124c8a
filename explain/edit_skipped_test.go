package explain

import "testing"

// skippedEditSource holds, per family of "the release exists but a path skips
// it", a leaking shape that gets an edit and a near miss that must not:
// "// mark:NAME" is where the test's goroutine blocks, "// go:NAME" the go
// statement that started it.
const skippedEditSource = `package x

import (
	"context"
	"sync"
)

// The return on a parse error leaves importAll without close(jobs): the
// workers' range never ends. Only importAll sends on jobs, so closing it
// before that return is safe.
func importAll(items []string, parse func(string) error) error {
	jobs := make(chan string)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() { // go:import
			defer wg.Done()
			for j := range jobs { // mark:import
				_ = j
			}
		}()
	}
	for _, it := range items {
		if err := parse(it); err != nil {
			return err
		}
		jobs <- it
	}
	close(jobs)
	wg.Wait()
	return nil
}

// A goroutine of its own sends on jobs too: a close before the return
// could come before its send, which would panic.
func importShared(items []string, parse func(string) error) error {
	jobs := make(chan string)
	go func() { // go:shared
		for j := range jobs { // mark:shared
			_ = j
		}
	}()
	go func() { jobs <- "first" }()
	for _, it := range items {
		if err := parse(it); err != nil {
			return err
		}
		jobs <- it
	}
	close(jobs)
	return nil
}

// run's Done is only on the stop path: the return on a failed flush skips
// it. Each Done is followed by a return, so one deferred Done does the same
// on that path and ends the others too.
type flusher struct {
	wg         sync.WaitGroup
	kick, stop chan struct{}
}

func newFlusher(flush func() error) *flusher {
	w := &flusher{kick: make(chan struct{}), stop: make(chan struct{})}
	w.wg.Add(1)
	go w.run(flush)
	return w
}

func (w *flusher) run(flush func() error) {
	for {
		select {
		case <-w.kick:
			if err := flush(); err != nil {
				return
			}
		case <-w.stop:
			w.wg.Done()
			return
		}
	}
}

func (w *flusher) Stop() {
	close(w.stop)
	w.wg.Wait() // mark:flushwait
}

// work goes on after its Done: deferring the Done would move it after
// that work.
type batch struct{ wg sync.WaitGroup }

func (b *batch) start(step func() error) {
	b.wg.Add(1)
	go b.work(step)
}

func (b *batch) work(step func() error) {
	if err := step(); err != nil {
		return
	}
	b.wg.Done()
	_ = step()
}

func (b *batch) Wait() {
	b.wg.Wait() // mark:batchwait
}

// exec's early return skips the Unwatch that would release Watch's
// goroutine; both calls are exec's own statements.
type watcher struct{ unwatch chan struct{} }

func (w *watcher) Watch(ctx context.Context) {
	go func() { // go:watchctx
		select { // mark:watchctx
		case <-ctx.Done():
		case <-w.unwatch:
		}
	}()
}

func (w *watcher) Unwatch() { w.unwatch <- struct{}{} }

type dbConn struct{ w *watcher }

func (c *dbConn) exec(ctx context.Context, send func() error) error {
	c.w.Watch(ctx)
	if err := send(); err != nil {
		return err
	}
	c.w.Unwatch()
	return nil
}

// query's Unwatch uses a name the early return does not see: which caller
// started the goroutine is not known, so neither gets the edit.
type otherWatcher struct{ unwatch chan struct{} }

func (w *otherWatcher) Watch(ctx context.Context) {
	go func() { // go:otherctx
		select { // mark:otherctx
		case <-ctx.Done():
		case <-w.unwatch:
		}
	}()
}

func (w *otherWatcher) Unwatch() { w.unwatch <- struct{}{} }

type otherConn struct{ w *otherWatcher }

func (c *otherConn) exec(ctx context.Context, send func() error) error {
	c.w.Watch(ctx)
	if err := send(); err != nil {
		return err
	}
	c.w.Unwatch()
	return nil
}

func (c *otherConn) query(ctx context.Context, send func() error) error {
	c.w.Watch(ctx)
	if err := send(); err != nil {
		return err
	}
	w := c.w
	w.Unwatch()
	return nil
}
`

// TestSkippedReleaseEdits checks the edits for a release an early return
// skips: each leaking shape's edit lines and fix, and that the near misses
// get none, with the reason. The corpus of real bugs (internal/realbugs)
// applies the edits and reruns the leaking code.
func TestSkippedReleaseEdits(t *testing.T) {
	checkEditCases(t, skippedEditSource, []editCase{
		{"close before the return that skips it", "import", "chan receive", "x.importAll.func1", "import",
			[]string{"+ close(jobs)"}, "close(jobs) before the return at line 25 as well", ""},
		{"no close where another goroutine sends", "shared", "chan receive", "x.importShared.func1", "shared",
			nil, "", "jobs is also sent on at x.go:43, outside importShared"},
		{"a plain Done deferred first", "flushwait", "sync.WaitGroup.Wait", "x.(*flusher).Stop", "",
			[]string{"+ defer w.wg.Done()", "- w.wg.Done()"}, "defer w.wg.Done()", ""},
		{"call the releasing method before the return that skips it", "watchctx", "select", "x.(*watcher).Watch.func1", "watchctx",
			[]string{"+ c.w.Unwatch()"}, "call c.w.Unwatch() before the return at line", ""},
		{"no call where one caller's copy would not compile", "otherctx", "select", "x.(*otherWatcher).Watch.func1", "otherctx",
			nil, "", ""},
		{"no defer for a Done work follows", "batchwait", "sync.WaitGroup.Wait", "x.(*batch).Wait", "",
			nil, "", "is not followed by a return, so deferring it would move it"},
	})
}
