package explain

import "testing"

// callerContextSource holds a watch whose context a caller passes as
// context.Background() while it has its own, and near misses: a caller
// with no context of its own, and one that never returns on its own;
// see editCase for the marks.
const callerContextSource = `package x

import "context"

type watchSet []<-chan struct{}

func (ws watchSet) watch(ctx context.Context) error {
	select { // mark:watch
	case <-ws[0]:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (ws watchSet) watchCh(ctx context.Context) <-chan error {
	ch := make(chan error, 1)
	go func() { // go:watch
		ch <- ws.watch(ctx)
	}()
	return ch
}

// syncLoop returns when its ctx is done, but its watches get Background.
func syncLoop(ctx context.Context, changed chan struct{}) {
	for {
		select {
		case <-watchSet{changed}.watchCh(context.Background()):
		case <-ctx.Done():
			return
		}
	}
}

type pollSet []<-chan struct{}

func (ps pollSet) poll(ctx context.Context) error {
	select { // mark:poll
	case <-ps[0]:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (ps pollSet) pollCh(ctx context.Context) <-chan error {
	ch := make(chan error, 1)
	go func() { // go:poll
		ch <- ps.poll(ctx)
	}()
	return ch
}

// once has no context of its own to pass.
func once(changed chan struct{}) {
	<-pollSet{changed}.pollCh(context.Background())
}

// forever has one, but never returns on it.
func forever(ctx context.Context, changed chan struct{}) {
	for {
		<-pollSet{changed}.pollCh(context.Background())
	}
}
`

// TestCallerContextEdits checks that a caller passing context.Background()
// down to a wait passes its own context instead when it returns on that
// one, and that no edit is offered when a caller has none or never
// returns on it.
func TestCallerContextEdits(t *testing.T) {
	checkEditCases(t, callerContextSource, []editCase{
		{"pass the caller's context down", "watch", "select", "x.watchSet.watch", "",
			[]string{"case <-watchSet{changed}.watchCh(context.Background()): → case <-watchSet{changed}.watchCh(ctx):"},
			"pass the caller's context instead of context.Background() at line 28 (syncLoop's ctx)", ""},
		{"no edit where a caller has no context that ends", "poll", "select", "x.pollSet.poll", "",
			nil, "", ""},
	})
}

// derivedContextSource holds a group whose derived context is discarded,
// and a near miss whose constructor's second result is no context; see
// editCase for the marks.
const derivedContextSource = `package x

import (
	"context"
	"errors"
	"sync"
)

type group struct {
	wg     sync.WaitGroup
	cancel context.CancelFunc
}

func withContext(ctx context.Context) (*group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &group{cancel: cancel}, ctx
}

func newGroup(ctx context.Context) (*group, error) {
	_, cancel := context.WithCancel(ctx)
	return &group{cancel: cancel}, errors.New("unused")
}

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if f() != nil {
			g.cancel()
		}
	}()
}

func stream(ctx context.Context, msgs <-chan string) error {
	for {
		select { // mark:stream
		case <-msgs:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// process discards the group's context: stream gets process's own.
func process(ctx context.Context, connect func() error) {
	g, _ := withContext(ctx)
	msgs := make(chan string)
	g.Go(func() error { return stream(ctx, msgs) })
	g.Go(connect)
}

func tail(ctx context.Context, msgs <-chan string) error {
	for {
		select { // mark:tail
		case <-msgs:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func follow(ctx context.Context, connect func() error) {
	g, _ := newGroup(ctx)
	msgs := make(chan string)
	g.Go(func() error { return tail(ctx, msgs) })
	g.Go(connect)
}
`

// TestDerivedContextEdits checks that a discarded context a group
// constructor derives is kept for the goroutines, and that a constructor
// returning anything else as its second result gets no such edit.
func TestDerivedContextEdits(t *testing.T) {
	checkEditCases(t, derivedContextSource, []editCase{
		{"keep the group's context", "stream", "select", "x.stream", "",
			[]string{"g, _ := withContext(ctx) → g, ctx := withContext(ctx)"}, "keep the context withContext returns", ""},
		{"no edit for a second result that is no context", "tail", "select", "x.tail", "", nil, "", ""},
	})
}
