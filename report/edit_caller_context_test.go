package report

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
