// Package grulectxbackground reproduces a goroutine leak fixed in the
// Grule rule engine (https://github.com/hyperjumptech/grule-rule-engine/pull/123).
//
// ExecuteContext started a goroutine that waited for the context's
// cancellation to flag the run as cancelled. Execute called it with
// context.Background(), which is never cancelled, and callers of
// ExecuteContext often never cancelled theirs either, so each run leaked
// that goroutine. The fix removed the goroutine: the engine checks
// ctx.Err() on each cycle instead.
package grulectxbackground

import (
	"context"
	"sync/atomic"
)

// engine runs rules until none fires.
type engine struct{}

// ExecuteContext runs rules, stopping early when ctx is cancelled.
func (e *engine) ExecuteContext(ctx context.Context, rules []func()) error {
	var cancelled atomic.Bool
	go func() {
		<-ctx.Done()
		cancelled.Store(true)
	}()
	for _, rule := range rules {
		if cancelled.Load() {
			return ctx.Err()
		}
		rule()
	}
	return nil
}

// Execute runs rules to the end.
func (e *engine) Execute(rules []func()) error {
	return e.ExecuteContext(context.Background(), rules)
}

// Run executes a knowledge base of one rule.
func Run() {
	e := &engine{}
	_ = e.Execute([]func(){func() {}})
}
