// Package deadlock shows two goroutines that each wait for the other: a
// mutual channel dependency that no one outside can break.
//
// A primary store hands a snapshot to a replica. Each side runs in its own
// goroutine and talks to the other over a channel: the primary sends the
// snapshot and then waits for the replica's acknowledgement; the replica
// first announces the version it already has and then waits for the
// snapshot. In Replicator.LeakySync both channels are unbuffered, so both sides block
// on their first send, each waiting for the other to receive. Sync gives
// the replica's announcement a buffer of one: its send completes at once,
// the replica moves on to receive the snapshot, and the exchange finishes (Replicator.Sync).
package deadlock

import (
	"errors"
	"maps"
	"time"
)

// Snapshot is the state a replica copies from its primary.
type Snapshot struct {
	Version int               // increases with every change
	Data    map[string]string // the replicated key-value pairs
}

// Replicator copies snapshots from primaries to replicas.
type Replicator struct {
	// Timeout bounds one sync.
	Timeout time.Duration

	// testAbandon, when set, is handed the snapshots channel LeakySync
	// abandons, so that this example's tests and the demo can free its
	// goroutines afterwards (see scenario.go). Real code has no such hook.
	testAbandon func(snapshots chan Snapshot)
}

// Store is one side of the replication: the primary or a replica.
type Store struct {
	Name     string   // for logs and errors
	Snapshot Snapshot // the state it holds
}

// ErrSyncTimeout means the two sides did not finish in time.
var ErrSyncTimeout = errors.New("replica sync timed out")

// apply installs snap on the replica if it is newer than what it has.
func (s *Store) apply(snap Snapshot) {
	if snap.Version > s.Snapshot.Version {
		s.Snapshot = Snapshot{Version: snap.Version, Data: maps.Clone(snap.Data)}
	}
}

// wait waits for both sides to report, up to timeout.
func wait(done <-chan struct{}, timeout time.Duration) error {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for range 2 {
		select {
		case <-done:
		case <-timer.C:
			return ErrSyncTimeout
		}
	}
	return nil
}
