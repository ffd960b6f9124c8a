package deadlock

// LeakySync copies primary's snapshot to replica, giving up after
// r.Timeout. Both sides send before they receive, on unbuffered channels:
// each send waits for the other side's receive, which comes only after that
// side's own send. Neither goroutine can move, and when LeakySync gives up
// they stay blocked for good.
func (r *Replicator) LeakySync(primary, replica *Store) error {
	snapshots := make(chan Snapshot)
	versions := make(chan int)
	done := make(chan struct{}, 2)
	go func() { // the primary
		snapshots <- primary.Snapshot // leak: blocks here
		<-versions                    // the replica's acknowledgement
		done <- struct{}{}
	}()
	go func() { // the replica
		versions <- replica.Snapshot.Version // leak: blocks here
		replica.apply(<-snapshots)
		done <- struct{}{}
	}()
	if r.testAbandon != nil {
		r.testAbandon(snapshots)
	}
	return wait(done, r.Timeout)
}
