package mutex

import (
	"errors"
	"fmt"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/report"
)

// Scenario describes this example for the tests and the demo: one
// reservation that fails, then one from a background order processor,
// which blocks.
func Scenario() harness.Scenario {
	return harness.Scenario{
		Name:      "mutex",
		Title:     "mutex never unlocked on an error path",
		Reason:    report.ReasonMutex,
		PatternID: report.PatternMutexHeld,
		Leak:      leak,
		Fixed:     fixed,
		Edited:    edited,
	}
}

// fixed runs the same orders through Reserve: the processor gets through.
func fixed() (release func(), err error) {
	inv := NewInventory(map[string]int{"widget": 2, "gadget": 5})
	if err := inv.Reserve("widget", 3); !errors.Is(err, ErrOutOfStock) {
		return nil, fmt.Errorf("reserving more widgets than in stock returned %v, want %v", err, ErrOutOfStock)
	}
	processed := make(chan error, 1)
	go func() { processed <- inv.Reserve("gadget", 1) }()
	if err := <-processed; err != nil {
		return nil, fmt.Errorf("the order processor's reservation failed: %w", err)
	}
	return func() {}, nil
}

func leak() (release func(), err error) {
	inv := NewInventory(map[string]int{"widget": 2, "gadget": 5})
	if err := inv.LeakyReserve("widget", 3); !errors.Is(err, ErrOutOfStock) {
		return nil, fmt.Errorf("reserving more widgets than in stock returned %v, want %v", err, ErrOutOfStock)
	}
	processed := make(chan error, 1)
	go func() { // an order processor working through its queue
		processed <- inv.LeakyReserve("gadget", 1)
	}()
	// The failed reservation still holds the mutex; unlocking it on its
	// behalf lets the processor through, and it unlocks after itself.
	release = func() {
		inv.mu.Unlock()
		<-processed
	}
	return release, nil
}

// edited runs the same two reservations; the processor's answer is
// buffered, so its goroutine ends once it gets the lock.
func edited() (release func(), err error) {
	inv := NewInventory(map[string]int{"widget": 2, "gadget": 5})
	if err := inv.LeakyReserve("widget", 3); !errors.Is(err, ErrOutOfStock) {
		return nil, fmt.Errorf("reserving more widgets than in stock returned %v, want %v", err, ErrOutOfStock)
	}
	processed := make(chan error, 1)
	go func() {
		processed <- inv.LeakyReserve("gadget", 1)
	}()
	return func() {}, nil
}
