package selectloop

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/report"
)

// Scenario describes this example for the tests and the demo: a Batcher
// used for a few events and then forgotten, its loop still running.
func Scenario() harness.Scenario {
	return harness.Scenario{
		Name:      "selectloop",
		Title:     "select loop with no cancellation case",
		Reason:    report.ReasonSelect,
		PatternID: report.PatternSelectNoExit,
		Leak:      leak,
		Fixed:     fixed,
	}
}

// fixed runs Run with a context its owner cancels when done with the
// Batcher: the loop flushes and returns.
func fixed() (release func(), err error) {
	b := NewBatcher(10, func([]Event) error { return nil })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // the owner shuts down
	stopped := make(chan error, 1)
	go func() { stopped <- b.Run(ctx) }()
	for _, name := range []string{"login", "view", "logout"} {
		if err := b.Add(ctx, Event{Name: name}); err != nil {
			return nil, fmt.Errorf("adding %s: %w", name, err)
		}
	}
	if err := b.Flush(ctx); err != nil {
		return nil, fmt.Errorf("flushing: %w", err)
	}
	return func() {}, nil
}

// errSinkClosed is what the scenario's sink returns once released.
var errSinkClosed = errors.New("sink closed")

// leak runs LeakyRun, records three events and flushes them, then walks
// away. Release closes the sink and sends one more event: the loop's
// flush fails and LeakyRun returns — the only exit it has.
func leak() (release func(), err error) {
	var closed atomic.Bool
	b := NewBatcher(10, func([]Event) error {
		if closed.Load() {
			return errSinkClosed
		}
		return nil
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.LeakyRun()
	}()
	release = func() {
		closed.Store(true)
		ctx := context.Background()
		if b.Add(ctx, Event{Name: "release"}) == nil {
			b.Flush(ctx)
		}
		<-done
	}
	ctx := context.Background()
	for _, name := range []string{"login", "view", "logout"} {
		if err := b.Add(ctx, Event{Name: name}); err != nil {
			release()
			return nil, fmt.Errorf("adding %s: %w", name, err)
		}
	}
	if err := b.Flush(ctx); err != nil {
		release()
		return nil, fmt.Errorf("flushing: %w", err)
	}
	return release, nil
}
