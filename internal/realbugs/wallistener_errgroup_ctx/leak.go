// Package wallistenererrgroupctx reproduces a hang fixed in wal-listener
// (https://github.com/ihippik/wal-listener/pull/53, issue
// https://github.com/ihippik/wal-listener/issues/52).
//
// The listener ran its loops in an errgroup made with WithContext but
// passed the parent context, not the group's derived one, to the loops.
// When one loop failed the group cancelled the derived context, which no
// loop watched, so the others kept waiting and Wait never returned. The
// fix hands the loops the group's context. (The group here is a small
// stand-in for golang.org/x/sync/errgroup with the same contract.)
package wallistenererrgroupctx

import (
	"context"
	"errors"
	"sync"
)

// group runs functions and cancels its context on the first error, as
// errgroup.WithContext does.
type group struct {
	wg      sync.WaitGroup
	cancel  context.CancelFunc
	errOnce sync.Once
	err     error
}

func withContext(ctx context.Context) (*group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &group{cancel: cancel}, ctx
}

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.errOnce.Do(func() {
				g.err = err
				g.cancel()
			})
		}
	}()
}

func (g *group) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}

// listener streams the database's write-ahead log.
type listener struct{}

// stream forwards replication messages until ctx ends.
func (l *listener) stream(ctx context.Context, msgs <-chan string) error {
	for {
		select {
		case <-msgs:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// process runs the listener's loops until one fails.
func (l *listener) process(ctx context.Context, connect func() error) error {
	g, _ := withContext(ctx)
	msgs := make(chan string)
	g.Go(func() error { return l.stream(ctx, msgs) })
	g.Go(connect)
	return g.Wait()
}

// Run starts the listener with a connection that fails, from the
// service's main goroutine.
func Run() {
	l := &listener{}
	go func() {
		_ = l.process(context.Background(), func() error { return errors.New("replication slot is in use") })
	}()
}
