package explain

import "testing"

// deferCancelSource holds contexts whose cancel not every exit of their
// maker calls, and near misses where a deferred cancel would end a context
// someone else still uses; see editCase for the marks.
const deferCancelSource = `package x

import (
	"context"
	"errors"
)

type query struct{ cancel context.CancelFunc }

func operator(ctx context.Context, out chan<- string) {
	for {
		select { // mark:operator
		case out <- "batch":
		case <-ctx.Done():
			return
		}
	}
}

// exec cancels only on its error path: the success return leaves the
// operator running. The cancel is kept in a local query only.
func exec(ctx context.Context) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	q := &query{cancel: cancel}
	out := make(chan string)
	go operator(ctx, out) // go:exec
	res := <-out
	if res == "" {
		q.cancel()
		return "", errors.New("empty result")
	}
	return res, nil
}

type engine struct{ stop context.CancelFunc }

// start keeps the cancel in its engine, whose owner stops it later: a
// deferred cancel would stop the operator as start returns.
func (e *engine) start(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	e.stop = cancel
	out := make(chan string)
	go operator(ctx, out) // go:start
}

type agent struct{ shutdownCh chan struct{} }

// checks starts a goroutine that turns the agent's shutdown into a cancel
// of the query's context; once checks returns, nothing ends it until the
// agent shuts down.
func (a *agent) checks(query func(context.Context) error) error {
	ctx, cancelFunc := context.WithCancel(context.Background())
	go func() { // go:checks
		<-a.shutdownCh // mark:checks
		cancelFunc()
	}()
	return query(ctx)
}

type watch struct{ ctx context.Context }

// open returns the context in a value that outlives it.
func (a *agent) open() *watch {
	ctx, cancelFunc := context.WithCancel(context.Background())
	go func() { // go:open
		<-a.shutdownCh // mark:open
		cancelFunc()
	}()
	return &watch{ctx: ctx}
}
`

// TestDeferCancelEdits checks the defer cancel() offered where the maker
// of a context cancels it on some paths only (or leaves the cancel to a
// goroutine waiting for a shutdown), and that a context or cancel leaving
// the function gets none.
func TestDeferCancelEdits(t *testing.T) {
	checkEditCases(t, deferCancelSource, []editCase{
		{"defer the cancel the success path skips", "operator", "select", "x.operator", "exec",
			[]string{"+ defer cancel()"}, "defer cancel() right after context.WithCancel (line 23): exec returns", ""},
		{"no defer for a cancel its owner keeps", "operator", "select", "x.operator", "start",
			nil, "", "cancel leaves the function at line 41"},
		{"defer the cancel, and the watcher returns on Done", "checks", "chan receive", "x.(*agent).checks.func1", "checks",
			[]string{"+ defer cancelFunc()", "<-a.shutdownCh → select { case <-a.shutdownCh: case <-ctx.Done(): return }"},
			"have the goroutine also return on <-ctx.Done()", ""},
		{"no defer for a context returned", "open", "chan receive", "x.(*agent).open.func1", "open",
			nil, "", "ctx leaves the function"},
	})
}
