// Package mobyexecoutputdone reproduces a goroutine leak fixed in Moby's
// integration helper that runs a command in a container
// (https://github.com/moby/moby/pull/40144).
//
// A goroutine copies the exec's output and reports on an unbuffered
// channel; the caller waits for that report or for its context. When the
// context wins, the copier's report has no receiver. The upstream fix
// gave the channel a buffer of one.
package mobyexecoutputdone

import "context"

// execInContainer attaches to an exec's output and waits for the copy to
// finish or ctx to end.
func execInContainer(ctx context.Context, copyOutput func() error) error {
	outputDone := make(chan error)
	go func() {
		err := copyOutput()
		outputDone <- err
	}()
	select {
	case err := <-outputDone:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run execs with a context that is already cancelled while the output is
// still being copied.
func Run() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	copied := make(chan struct{})
	_ = execInContainer(ctx, func() error {
		<-copied
		return nil
	})
	close(copied)
}
