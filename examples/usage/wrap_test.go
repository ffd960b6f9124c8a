package usage

import (
	"testing"
	"time"

	"github.com/leakhound/leakhound/leakcheck"
)

// Wrap puts a Check at the start of each subtest, so every row of a table
// is checked on its own and a leak names the row that caused it.
func TestCacheExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		ttl     time.Duration
		wait    time.Duration
		wantHit bool
	}{
		{"fresh", time.Hour, 0, true},
		{"expired", time.Millisecond, 20 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, leakcheck.Wrap(func(t *testing.T) {
			t.Parallel()
			c := New(t.Context(), tt.ttl, time.Hour)
			c.Set("k", "v")
			time.Sleep(tt.wait)
			if _, ok := c.Get("k"); ok != tt.wantHit {
				t.Errorf("Get after %v with ttl %v: hit %v, want %v", tt.wait, tt.ttl, ok, tt.wantHit)
			}
		}))
	}
}

// The sweeper removes expired entries; sweeping every millisecond, the
// entry is gone well within the poll budget.
func TestCacheSweeps(t *testing.T) {
	t.Parallel()
	t.Run("sweeper", leakcheck.Wrap(func(t *testing.T) {
		c := New(t.Context(), time.Nanosecond, time.Millisecond)
		c.Set("k", "v")
		deadline := time.Now().Add(10 * time.Second)
		for c.Len() != 0 {
			if time.Now().After(deadline) {
				t.Fatal("the sweeper never removed the expired entry")
			}
			time.Sleep(time.Millisecond)
		}
	}))
}
