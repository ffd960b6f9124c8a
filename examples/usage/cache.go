// Package usage shows each way of putting leakcheck into tests, on a small
// piece of real code: a Cache whose entries expire, swept by a background
// goroutine.
//
//   - check_test.go: leakcheck.Check at the top of a test;
//   - wrap_test.go: leakcheck.Wrap around the subtests of a table test;
//   - suite_test.go: leakcheck.Check(s.T()) in a testify suite's SetupTest,
//     and a test showing each suite method is checked on its own;
//   - reportdir_test.go: writing the HTML report, with the ReportDir option
//     or the LEAKHOUND_REPORT environment variable.
//
// VerifyTestMain, which needs a TestMain of its own, is in the testmain
// subpackage, and moving from goleak is shown in the goleak subpackage.
package usage

import (
	"context"
	"sync"
	"time"
)

// Cache maps keys to values that expire after a time to live.
type Cache struct {
	ttl time.Duration

	mu      sync.Mutex
	entries map[string]entry
}

type entry struct {
	value   string
	expires time.Time
}

// New returns a Cache and starts its sweeper, which removes expired
// entries every sweep until ctx is cancelled. Tie ctx to the owner's life:
// in a test, t.Context() stops the sweeper when the test ends.
func New(ctx context.Context, ttl, sweep time.Duration) *Cache {
	c := &Cache{ttl: ttl, entries: make(map[string]entry)}
	go c.sweep(ctx, sweep)
	return c
}

// Set stores value under key until the time to live has passed.
func (c *Cache) Set(key, value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = entry{value: value, expires: time.Now().Add(c.ttl)}
}

// Get returns the value under key if it has not expired.
func (c *Cache) Get(key string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || time.Now().After(e.expires) {
		return "", false
	}
	return e.value, true
}

// Len returns the number of entries held, expired or not.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

func (c *Cache) sweep(ctx context.Context, every time.Duration) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select { // leak: blocks here if ctx is never cancelled
		case now := <-ticker.C:
			c.mu.Lock()
			for k, e := range c.entries {
				if now.After(e.expires) {
					delete(c.entries, k)
				}
			}
			c.mu.Unlock()
		case <-ctx.Done():
			return
		}
	}
}
