package usage

import (
	"testing"
	"time"

	"github.com/leakhound/leakhound/leakcheck"
)

// Check goes first in the test. When the test ends it fails the test if a
// goroutine the test started — here the cache's sweeper — is still alive.
// Passing t.Context() to New is what makes this test pass: the context is
// cancelled as the test ends, before leakcheck looks. With
// context.Background() the sweeper would outlive the test and the failure
// would name the select in sweep and the go statement in New.
//
// Check only looks at goroutines its own test started, so t.Parallel() is
// fine.
func TestCacheGetSet(t *testing.T) {
	t.Parallel()
	leakcheck.Check(t)

	c := New(t.Context(), time.Minute, time.Hour)
	c.Set("user:1", "ada")
	if v, ok := c.Get("user:1"); !ok || v != "ada" {
		t.Errorf("Get(user:1) = %q, %v; want ada, true", v, ok)
	}
	if _, ok := c.Get("user:2"); ok {
		t.Error("Get(user:2) found a key never set")
	}
}
