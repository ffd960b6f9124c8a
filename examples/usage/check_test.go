package usage

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/examples/internal/leaktest"
	"github.com/leakhound/leakhound/leakcheck"
	"github.com/leakhound/leakhound/report"
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

// TestCacheWithoutTestContext is the mistake TestCacheGetSet avoids: the
// sweeper gets a context nobody cancels before the test ends. The test is
// recorded rather than failed, to show what Check says: the sweeper's
// select at its line in cache.go, diagnosed as a select waiting on a
// context nobody cancels, with the fix.
func TestCacheWithoutTestContext(t *testing.T) {
	t.Parallel()
	lines, err := harness.MarkerLines("cache.go")
	if err != nil {
		t.Fatal(err)
	}
	rec := leaktest.NewRecorder(t, "background-context")
	leakcheck.Check(rec)
	ctx, cancel := context.WithCancel(context.Background()) // cancelled only after the check
	c := New(ctx, time.Minute, time.Hour)
	c.Set("user:1", "ada")
	rec.RunCleanups() // the recorded test ends and its check runs
	cancel()

	said := rec.Errors()
	for _, want := range []string{fmt.Sprintf("cache.go:%d", lines[0]), report.PatternContextNeverDone} {
		if !strings.Contains(said, want) {
			t.Errorf("the check's failure does not mention %s:\n%s", want, said)
		}
	}
}
