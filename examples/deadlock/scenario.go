package deadlock

import (
	"errors"
	"fmt"
	"time"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/report"
)

// Scenario describes this example for the tests and the demo: one
// LeakySync, which deadlocks and times out.
func Scenario() harness.Scenario {
	return harness.Scenario{
		Name:      "deadlock",
		Title:     "two goroutines waiting on each other's channel",
		Reason:    report.ReasonChanSend,
		PatternID: report.PatternMutualWait,
		Leak:      leak,
		Fixed:     fixed,
		Edited:    edited,
	}
}

// leakTimeout is how long the scenario's sync waits. LeakySync can never
// finish, so a short wait costs nothing and decides nothing.
const leakTimeout = 20 * time.Millisecond

// fixed runs Sync on the same stores, with time to spare.
func fixed() (release func(), err error) {
	r := &Replicator{Timeout: time.Minute}
	primary := &Store{Name: "primary", Snapshot: Snapshot{Version: 7, Data: map[string]string{"k": "v"}}}
	replica := &Store{Name: "replica", Snapshot: Snapshot{Version: 3}}
	if err := r.Sync(primary, replica); err != nil {
		return nil, err
	}
	if replica.Snapshot.Version != 7 {
		return nil, fmt.Errorf("the replica is at version %d after Sync, want 7", replica.Snapshot.Version)
	}
	return func() {}, nil
}

func leak() (release func(), err error) {
	// Taking the snapshot out of the primary's hands lets the primary read
	// the replica's version, which frees the replica to receive; handing
	// the snapshot to it ends both goroutines.
	r := &Replicator{Timeout: leakTimeout, testAbandon: func(snapshots chan Snapshot) {
		release = func() { snapshots <- <-snapshots }
	}}
	primary := &Store{Name: "primary", Snapshot: Snapshot{Version: 7, Data: map[string]string{"k": "v"}}}
	replica := &Store{Name: "replica", Snapshot: Snapshot{Version: 3}}
	err = r.LeakySync(primary, replica)
	if !errors.Is(err, ErrSyncTimeout) {
		release()
		return nil, fmt.Errorf("LeakySync returned %v, want %v", err, ErrSyncTimeout)
	}
	return release, nil
}

// edited runs LeakySync on the same stores without the test hook; with
// the suggested buffers it completes, without them it times out.
func edited() (release func(), err error) {
	r := &Replicator{Timeout: leakTimeout}
	primary := &Store{Name: "primary", Snapshot: Snapshot{Version: 7, Data: map[string]string{"k": "v"}}}
	replica := &Store{Name: "replica", Snapshot: Snapshot{Version: 3}}
	r.LeakySync(primary, replica) // either outcome: only the goroutines matter
	return func() {}, nil
}
