// Package promqlenginecancel reproduces a goroutine leak fixed in the
// Thanos PromQL engine (https://github.com/thanos-io/promql-engine/pull/94,
// issue https://github.com/thanos-io/promql-engine/issues/93).
//
// A query derives a cancellable context and passes it down to its
// operators, whose goroutines produce batches until the context ends. The
// context was cancelled only when the query failed, so after a successful
// query the operator goroutines waited forever. The fix always cancels
// the context the query passes down.
package promqlenginecancel

import (
	"context"
	"errors"
)

// query is one evaluation.
type query struct {
	cancel context.CancelFunc
}

// operator produces batches into out until ctx ends.
func operator(ctx context.Context, out chan<- string) {
	for {
		select {
		case out <- "batch":
		case <-ctx.Done():
			return
		}
	}
}

// exec evaluates a query and returns its first batch.
func exec(ctx context.Context) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	q := &query{cancel: cancel}
	out := make(chan string)
	go operator(ctx, out)
	res := <-out
	if res == "" {
		q.cancel()
		return "", errors.New("empty result")
	}
	return res, nil
}

// Run evaluates a query that succeeds.
func Run() {
	_, _ = exec(context.Background())
}
