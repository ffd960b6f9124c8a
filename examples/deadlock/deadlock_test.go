package deadlock

import (
	"testing"
	"time"

	"github.com/leakhound/leakhound/examples/internal/leaktest"
	"github.com/leakhound/leakhound/leakcheck"
)

// Each of the two deadlocked goroutines blocks at its own marked line.
func TestLeakySyncLeaks(t *testing.T) {
	t.Parallel()
	sites := leaktest.Marked(t, "leaky.go", 1)
	if len(sites) != 2 {
		t.Fatalf("leaky.go marks %d lines, want 2 (one per side)", len(sites))
	}
	leaktest.Leak(t, Scenario(), sites)
}

func TestLeakySyncFailsCheck(t *testing.T) {
	t.Parallel()
	leaktest.CheckFails(t, Scenario(), leaktest.Marked(t, "leaky.go", 1))
}

func TestSync(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		primary     int
		replica     int
		wantVersion int
	}{
		{"replica behind", 7, 3, 7},
		{"replica current", 7, 7, 7},
		{"replica ahead keeps its own", 2, 5, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			leakcheck.Check(t)
			primary := &Store{Name: "primary", Snapshot: Snapshot{Version: tt.primary, Data: map[string]string{"k": "v"}}}
			replica := &Store{Name: "replica", Snapshot: Snapshot{Version: tt.replica}}
			// Generous: Sync finishes in microseconds; only a deadlock
			// would reach this.
			r := &Replicator{Timeout: time.Minute}
			if err := r.Sync(primary, replica); err != nil {
				t.Fatal(err)
			}
			if replica.Snapshot.Version != tt.wantVersion {
				t.Errorf("replica at version %d, want %d", replica.Snapshot.Version, tt.wantVersion)
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
