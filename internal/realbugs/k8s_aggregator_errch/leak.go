// Package k8saggregatorerrch reproduces a goroutine leak fixed in the
// Kubernetes API aggregator's availability controller
// (https://github.com/kubernetes/kubernetes/pull/91160).
//
// The controller checks each aggregated API service's discovery endpoint
// from a goroutine and waits for its answer or a deadline. The goroutine
// reported on an unbuffered channel, so when the deadline won, the report
// had no receiver and the goroutine stayed blocked. The upstream fix gave
// the channel a buffer of one.
package k8saggregatorerrch

import (
	"errors"
	"time"
)

// probe runs check and waits for its result at most timeout.
func probe(check func() error, timeout time.Duration) error {
	errCh := make(chan error)
	go func() {
		errCh <- check()
	}()
	select {
	case err := <-errCh:
		return err
	case <-time.After(timeout):
		return errors.New("discovery check timed out")
	}
}

// Run checks an endpoint that answers only after the deadline has passed.
func Run() {
	answered := make(chan struct{})
	_ = probe(func() error {
		<-answered
		return nil
	}, time.Millisecond)
	close(answered)
}
