// Package pgxctxwatchunwatch reproduces a goroutine leak fixed in pgx's
// context watcher (https://github.com/jackc/pgx/pull/2515, issue
// https://github.com/jackc/pgx/issues/1999).
//
// Before each network operation the connection calls Watch, which starts a
// goroutine that waits for the operation's context to end (to interrupt
// the operation) or for Unwatch. When Unwatch was not called, as on an
// early error return, or was deferred for a long time, the goroutine
// stayed blocked. The fix replaced the goroutine with context.AfterFunc,
// whose registration Unwatch stops, so nothing waits.
package pgxctxwatchunwatch

import (
	"context"
	"errors"
)

// ContextWatcher interrupts an operation when its context ends.
type ContextWatcher struct {
	onCancel    func()
	unwatchChan chan struct{}
	watching    bool
}

// NewContextWatcher returns a watcher that calls onCancel.
func NewContextWatcher(onCancel func()) *ContextWatcher {
	return &ContextWatcher{onCancel: onCancel, unwatchChan: make(chan struct{})}
}

// Watch starts watching ctx until Unwatch.
func (cw *ContextWatcher) Watch(ctx context.Context) {
	cw.watching = true
	go func() {
		select {
		case <-ctx.Done():
			cw.onCancel()
			<-cw.unwatchChan
		case <-cw.unwatchChan:
		}
	}()
}

// Unwatch stops watching.
func (cw *ContextWatcher) Unwatch() {
	if cw.watching {
		cw.unwatchChan <- struct{}{}
		cw.watching = false
	}
}

// conn is a database connection.
type conn struct {
	cw *ContextWatcher
}

// exec sends a query.
func (c *conn) exec(ctx context.Context, send func() error) error {
	c.cw.Watch(ctx)
	if err := send(); err != nil {
		return err
	}
	c.cw.Unwatch()
	return nil
}

// Run runs a query whose send fails.
func Run() {
	c := &conn{cw: NewContextWatcher(func() {})}
	_ = c.exec(context.Background(), func() error { return errors.New("broken pipe") })
}
