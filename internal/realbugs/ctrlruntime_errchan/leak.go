// Package ctrlruntimeerrchan reproduces a goroutine leak fixed in
// controller-runtime's manager
// (https://github.com/kubernetes-sigs/controller-runtime/pull/3247).
//
// Each runnable runs in a goroutine that reports a failure on the group's
// unbuffered error channel. During shutdown nobody reads that channel any
// more, so a runnable that fails while the manager stops blocks on the
// send forever. The upstream fix made the send a select that gives up
// once the group's context is done.
package ctrlruntimeerrchan

import (
	"context"
	"errors"
)

// runnableGroup runs runnables and reports the first failure.
type runnableGroup struct {
	ctx     context.Context
	cancel  context.CancelFunc
	errChan chan error
}

func newRunnableGroup() *runnableGroup {
	ctx, cancel := context.WithCancel(context.Background())
	return &runnableGroup{ctx: ctx, cancel: cancel, errChan: make(chan error)}
}

// add starts a runnable.
func (r *runnableGroup) add(start func(context.Context) error) {
	go func() {
		if err := start(r.ctx); err != nil {
			r.errChan <- err
		}
	}()
}

// run waits until ctx ends, then stops the runnables, or returns the first
// runnable's failure.
func (r *runnableGroup) run(ctx context.Context) error {
	select {
	case err := <-r.errChan:
		return err
	case <-ctx.Done():
		r.cancel()
		return nil
	}
}

// Run stops a manager whose runnable reports an error when it is stopped.
func Run() {
	r := newRunnableGroup()
	r.add(func(ctx context.Context) error {
		<-ctx.Done()
		return errors.New("runnable stopped with an error")
	})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = r.run(ctx)
}
