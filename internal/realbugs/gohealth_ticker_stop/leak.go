// Package gohealthtickerstop reproduces a goroutine leak fixed in
// InVisionApp's go-health (https://github.com/InVisionApp/go-health/pull/35).
//
// Each health check runs in a goroutine that ranges over its ticker's
// channel. Stop stopped the tickers, but Ticker.Stop does not close the
// channel, so every checker goroutine waited for a tick forever after
// Stop. The fix gave the checkers a stop channel, closed by Stop, that
// they select on next to the ticker.
package gohealthtickerstop

import (
	"sync"
	"time"
)

// health runs checks periodically.
type health struct {
	mu      sync.Mutex
	tickers []*time.Ticker
	states  map[string]bool
}

func newHealth() *health { return &health{states: make(map[string]bool)} }

// start runs check every interval.
func (h *health) start(name string, interval time.Duration, check func() bool) {
	ticker := time.NewTicker(interval)
	h.tickers = append(h.tickers, ticker)
	go func() {
		for range ticker.C {
			ok := check()
			h.mu.Lock()
			h.states[name] = ok
			h.mu.Unlock()
		}
	}()
}

// stop stops every check.
func (h *health) stop() {
	for _, t := range h.tickers {
		t.Stop()
	}
}

// Run starts a check and stops it.
func Run() {
	h := newHealth()
	h.start("db", time.Hour, func() bool { return true })
	h.stop()
}
