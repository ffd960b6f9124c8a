package mutex

import (
	"errors"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/examples/internal/leaktest"
	"github.com/leakhound/leakhound/leakcheck"
)

func TestLeakyReserveLeaks(t *testing.T) {
	t.Parallel()
	leaktest.Leak(t, Scenario(), leaktest.Marked(t, "leaky.go", 1))
}

func TestLeakyReserveFailsCheck(t *testing.T) {
	t.Parallel()
	leaktest.CheckFails(t, Scenario(), leaktest.Marked(t, "leaky.go", 1))
}

// TestReserve runs the scenario's sequence — a failing reservation, then
// concurrent ones — against the fixed Reserve: nothing blocks, and the
// stock adds up.
func TestReserve(t *testing.T) {
	t.Parallel()
	leakcheck.Check(t)
	inv := NewInventory(map[string]int{"widget": 2, "gadget": 5})
	if err := inv.Reserve("widget", 3); !errors.Is(err, ErrOutOfStock) {
		t.Fatalf("Reserve(widget, 3) with 2 in stock = %v, want %v", err, ErrOutOfStock)
	}
	const buyers = 8 // more than the 5 gadgets: some must be refused
	var wg sync.WaitGroup
	errs := make(chan error, buyers)
	for range buyers {
		wg.Go(func() { errs <- inv.Reserve("gadget", 1) })
	}
	wg.Wait()
	close(errs)
	refused := 0
	for err := range errs {
		switch {
		case errors.Is(err, ErrOutOfStock):
			refused++
		case err != nil:
			t.Errorf("Reserve(gadget, 1) = %v", err)
		}
	}
	if refused != buyers-5 || inv.InStock("gadget") != 0 {
		t.Errorf("%d refused, %d gadgets left; want %d refused, 0 left", refused, inv.InStock("gadget"), buyers-5)
	}
	if got := inv.InStock("widget"); got != 2 {
		t.Errorf("the failed reservation changed the stock: %d widgets, want 2", got)
	}
}

// TestFixedVersionPassesCheck runs the fixed version through the leaky
// scenario's steps under leakcheck.Check.
func TestFixedVersionPassesCheck(t *testing.T) {
	t.Parallel()
	leaktest.FixedPasses(t, Scenario())
}
