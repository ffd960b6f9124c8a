// Package etcdbackendclose reproduces a goroutine leak fixed in etcd's
// mvcc tests (https://github.com/etcd-io/etcd/pull/13540).
//
// A test built a watchable store on a backend and deferred closing the
// store, but the backend's commit loop is stopped only by the backend's
// own Close, which the test never called. The fix added the backend's
// Close (and the store's) to the test.
package etcdbackendclose

import "time"

// backend commits batched writes periodically until closed.
type backend struct {
	batchInterval time.Duration
	stopc         chan struct{}
	donec         chan struct{}
}

func newBackend(interval time.Duration) *backend {
	b := &backend{batchInterval: interval, stopc: make(chan struct{}), donec: make(chan struct{})}
	go b.run()
	return b
}

func (b *backend) run() {
	defer close(b.donec)
	t := time.NewTimer(b.batchInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-b.stopc:
			return
		}
		b.commit()
		t.Reset(b.batchInterval)
	}
}

func (b *backend) commit() {}

// Close stops the commit loop.
func (b *backend) Close() error {
	close(b.stopc)
	<-b.donec
	return nil
}

// store serves reads and watches from a backend it does not own.
type store struct {
	b      *backend
	closed bool
}

func newStore(b *backend) *store { return &store{b: b} }

// Close closes the store; the backend stays open.
func (s *store) Close() error {
	s.closed = true
	return nil
}

// Run is the test: it closes the store but not the backend.
func Run() {
	b := newBackend(time.Hour)
	s := newStore(b)
	defer s.Close()
}
