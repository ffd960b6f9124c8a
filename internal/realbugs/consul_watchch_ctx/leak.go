// Package consulwatchchctx reproduces a goroutine leak fixed in Consul's
// catalog config source (https://github.com/hashicorp/consul/pull/14916).
//
// go-memdb's WatchSet.WatchCh starts a goroutine that waits until a
// watched channel fires or the given context ends. The sync loop called it
// with context.Background() on each iteration, so when the loop returned,
// the goroutine of its last WatchCh waited forever on a watch set that
// would never fire. The fix passes the sync loop's own context, which is
// cancelled when the loop stops.
package consulwatchchctx

import "context"

// watchSet is a set of channels that fire on change.
type watchSet []<-chan struct{}

// watch blocks until a channel of ws fires or ctx ends.
func (ws watchSet) watch(ctx context.Context) error {
	select {
	case <-ws[0]:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// watchCh returns a channel that yields once ws fires or ctx ends.
func (ws watchSet) watchCh(ctx context.Context) <-chan error {
	ch := make(chan error, 1)
	go func() {
		ch <- ws.watch(ctx)
	}()
	return ch
}

// configSource syncs a proxy's config from the catalog.
type configSource struct {
	changed chan struct{}
}

// syncLoop re-reads the catalog on every change until ctx ends.
func (s *configSource) syncLoop(ctx context.Context) {
	for {
		ws := watchSet{s.changed}
		select {
		case <-ws.watchCh(context.Background()):
		case <-ctx.Done():
			return
		}
	}
}

// Run runs a sync loop whose context is cancelled before the catalog
// changes.
func Run() {
	s := &configSource{changed: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s.syncLoop(ctx)
}
