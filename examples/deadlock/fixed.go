package deadlock

// Sync is LeakySync with one change: versions has a buffer of one. The
// replica's announcement no longer waits for a reader, so the replica goes
// on to receive the snapshot, which completes the primary's send, and the
// primary then reads the announcement from the buffer. The cycle is broken.
func (r *Replicator) Sync(primary, replica *Store) error {
	snapshots := make(chan Snapshot)
	versions := make(chan int, 1)
	done := make(chan struct{}, 2)
	go func() { // the primary
		snapshots <- primary.Snapshot
		<-versions
		done <- struct{}{}
	}()
	go func() { // the replica
		versions <- replica.Snapshot.Version
		replica.apply(<-snapshots)
		done <- struct{}{}
	}()
	return wait(done, r.Timeout)
}
