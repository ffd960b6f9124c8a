// Package etcdbrwatchcancel reproduces a goroutine leak fixed in
// Gardener's etcd-backup-restore
// (https://github.com/gardener/etcd-backup-restore/pull/116).
//
// Every full snapshot started a new etcd watch for the delta snapshots
// with a fresh cancellable context, keeping only the newest cancel
// function. The previous watch's context was never cancelled, so its
// goroutine kept waiting for events nobody read. The fix cancels the
// previous watch before starting a new one.
package etcdbrwatchcancel

import "context"

// watch delivers events from source until ctx ends, as the etcd client's
// Watch does.
func watch(ctx context.Context, source <-chan string) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		for {
			select {
			case e := <-source:
				select {
				case out <- e:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// snapshotter takes full snapshots and watches for deltas in between.
type snapshotter struct {
	source      chan string
	events      <-chan string
	cancelWatch context.CancelFunc
}

// takeFullSnapshot snapshots and restarts the delta watch.
func (s *snapshotter) takeFullSnapshot(ctx context.Context) {
	watchCtx, cancel := context.WithCancel(ctx)
	s.cancelWatch = cancel
	s.events = watch(watchCtx, s.source)
}

// stop ends the current delta watch.
func (s *snapshotter) stop() {
	s.cancelWatch()
}

// Run takes two full snapshots and stops.
func Run() {
	s := &snapshotter{source: make(chan string)}
	s.takeFullSnapshot(context.Background())
	s.takeFullSnapshot(context.Background())
	s.stop()
}
