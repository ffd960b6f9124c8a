// Package containerdwaitforpid reproduces a goroutine leak fixed in
// containerd's waitForPid helper
// (https://github.com/containerd/containerd/pull/4309).
//
// The helper asks for a process's pid from a goroutine and gives up after
// a timeout. The goroutine delivered the pid on an unbuffered channel, so
// after a timeout it had no reader and stayed blocked. The upstream fix
// made the channel buffered.
package containerdwaitforpid

import (
	"context"
	"errors"
	"time"
)

// process is what can report its pid, possibly slowly.
type process interface {
	Pid() int
}

type pidResult struct {
	pid int
}

// waitForPid returns p's pid, or an error when it takes longer than
// timeout.
func waitForPid(ctx context.Context, p process, timeout time.Duration) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ch := make(chan pidResult)
	go func() {
		ch <- pidResult{pid: p.Pid()}
	}()
	select {
	case <-ctx.Done():
		return 0, errors.New("timed out waiting for the pid")
	case r := <-ch:
		return r.pid, nil
	}
}

// slowProcess reports its pid once released.
type slowProcess struct{ ready chan struct{} }

func (p slowProcess) Pid() int {
	<-p.ready
	return 42
}

// Run waits for a pid that arrives after the timeout.
func Run() {
	p := slowProcess{ready: make(chan struct{})}
	_, _ = waitForPid(context.Background(), p, time.Millisecond)
	close(p.ready)
}
