// Package selectloop shows a long-running select loop that nobody can stop.
//
// A Batcher collects events and hands them to a sink in batches: when a
// batch is full, or when someone asks for a flush. Its leaky loop,
// LeakyRun, selects over its two inputs only; once the program stops
// sending, the loop waits forever and its owner has no way to end it. The
// fixed loop, Run, adds the missing case: <-ctx.Done(), which flushes what
// is pending and returns.
package selectloop

import (
	"context"
	"errors"
)

// Event is one thing worth recording.
type Event struct {
	Name string // what happened, e.g. "login"
}

// Batcher groups events into batches for a sink.
type Batcher struct {
	// Size is the number of events that makes a batch full.
	Size int
	// Sink receives each batch. An error means the sink is gone for good:
	// the loop stops rather than pile up events it cannot deliver.
	Sink func(batch []Event) error

	in      chan Event
	flushes chan chan error
}

// NewBatcher returns a Batcher whose loop is not running yet: start
// Run (or LeakyRun) in a goroutine.
func NewBatcher(size int, sink func([]Event) error) *Batcher {
	return &Batcher{Size: size, Sink: sink, in: make(chan Event), flushes: make(chan chan error)}
}

// ErrStopped is returned by Add and Flush once the loop has stopped.
var ErrStopped = errors.New("batcher stopped")

// Add queues e for the next batch. It waits until the loop takes it, or
// until ctx is done.
func (b *Batcher) Add(ctx context.Context, e Event) error {
	select {
	case b.in <- e:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Flush hands the pending events to the sink now and returns the sink's
// error.
func (b *Batcher) Flush(ctx context.Context) error {
	reply := make(chan error, 1)
	select {
	case b.flushes <- reply:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
