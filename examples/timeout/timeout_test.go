package timeout

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/leakhound/leakhound/examples/internal/leaktest"
	"github.com/leakhound/leakhound/leakcheck"
)

func TestLeakyResolveLeaks(t *testing.T) {
	t.Parallel()
	leaktest.Leak(t, Scenario(), leaktest.Marked(t, "leaky.go", 1))
}

func TestLeakyResolveFailsCheck(t *testing.T) {
	t.Parallel()
	leaktest.CheckFails(t, Scenario(), leaktest.Marked(t, "leaky.go", 1))
}

func TestResolve(t *testing.T) {
	t.Parallel()
	addr := netip.MustParseAddr("192.0.2.7")
	tests := []struct {
		name    string
		late    bool // the backend answers only after Resolve gave up
		want    netip.Addr
		wantErr error
	}{
		{name: "answers in time", want: addr},
		{name: "answers after the deadline", late: true, wantErr: ErrDeadline},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			leakcheck.Check(t)
			answer := make(chan struct{})
			if !tt.late {
				close(answer)
			}
			r := &Resolver{Lookup: slowBackend(answer)}
			wait := time.Minute // never reached when the backend answers
			if tt.late {
				wait = time.Millisecond
			}
			got, err := r.Resolve("db.internal", wait)
			if tt.late {
				close(answer) // the lookup goroutine's send now lands in the buffer
			}
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("Resolve = %v, %v; want %v, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestFixedVersionPassesCheck runs the fixed version through the leaky
// scenario's steps under leakcheck.Check.
func TestFixedVersionPassesCheck(t *testing.T) {
	t.Parallel()
	leaktest.FixedPasses(t, Scenario())
}
