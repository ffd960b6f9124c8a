package selectloop

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/examples/internal/leaktest"
	"github.com/leakhound/leakhound/leakcheck"
)

func TestLeakyRunLeaks(t *testing.T) {
	t.Parallel()
	leaktest.Leak(t, Scenario(), leaktest.Marked(t, "leaky.go", 1))
}

func TestLeakyRunFailsCheck(t *testing.T) {
	t.Parallel()
	leaktest.CheckFails(t, Scenario(), leaktest.Marked(t, "leaky.go", 1))
}

// sink records batches as their event names.
type sink struct {
	mu      sync.Mutex
	batches [][]string
}

func (s *sink) flush(batch []Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for _, e := range batch {
		names = append(names, e.Name)
	}
	s.batches = append(s.batches, names)
	return nil
}

func (s *sink) got() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.batches)
}

// TestRun ties the fixed loop to t.Context(): the test's end cancels it,
// the loop flushes what is pending and returns before leakcheck looks.
func TestRun(t *testing.T) {
	t.Parallel()
	leakcheck.Check(t)
	var s sink
	b := NewBatcher(2, s.flush)
	stopped := make(chan error, 1)
	go func() { stopped <- b.Run(t.Context()) }()
	t.Cleanup(func() {
		if err := <-stopped; err != nil {
			t.Errorf("Run returned %v", err)
		}
		if got, want := s.got(), [][]string{{"a", "b"}, {"c"}, {"d"}}; !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("batches %q, want %q", got, want)
		}
	})
	for _, name := range []string{"a", "b", "c"} { // a full batch, then one pending
		if err := b.Add(t.Context(), Event{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := b.Add(t.Context(), Event{Name: "d"}); err != nil { // flushed by the cancellation
		t.Fatal(err)
	}
}

func TestRunStopsWhenSinkFails(t *testing.T) {
	t.Parallel()
	leakcheck.Check(t)
	b := NewBatcher(1, func([]Event) error { return errSinkClosed })
	stopped := make(chan error, 1)
	go func() { stopped <- b.Run(t.Context()) }()
	if err := b.Add(t.Context(), Event{Name: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := <-stopped; !errors.Is(err, errSinkClosed) {
		t.Errorf("Run returned %v, want %v", err, errSinkClosed)
	}
}

// TestFixedVersionPassesCheck runs the fixed version through the leaky
// scenario's steps under leakcheck.Check.
func TestFixedVersionPassesCheck(t *testing.T) {
	t.Parallel()
	leaktest.FixedPasses(t, Scenario())
}
