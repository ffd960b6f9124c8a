// Package istiopushtimeout reproduces a goroutine leak fixed in Istio's
// pilot, where pushing configuration to a proxy is bounded by a timeout
// (https://github.com/istio/istio/pull/15897, issue
// https://github.com/istio/istio/issues/15876).
//
// The push runs in a goroutine that reports on an unbuffered done channel;
// when the send timer fires first, nothing reads done and every timed-out
// push leaks a goroutine. The upstream fix buffered done so the send can
// happen after the timer.
package istiopushtimeout

import (
	"errors"
	"time"
)

// conn is one proxy's connection.
type conn struct {
	timeout time.Duration
}

// send pushes with push and waits at most c.timeout for it.
func (c *conn) send(push func() error) error {
	done := make(chan error)
	t := time.NewTimer(c.timeout)
	defer t.Stop()
	go func() {
		err := push()
		done <- err
	}()
	select {
	case <-t.C:
		return errors.New("timeout sending")
	case err := <-done:
		return err
	}
}

// Run pushes to a proxy that acknowledges after the timeout.
func Run() {
	c := &conn{timeout: time.Millisecond}
	acked := make(chan struct{})
	_ = c.send(func() error {
		<-acked
		return nil
	})
	close(acked)
}
