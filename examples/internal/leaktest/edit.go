package leaktest

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/examples/internal/harness"
)

// EditRemovesLeak runs s's leaky steps (s.Edited, or s.Leak when it has
// none) and fails t unless every goroutine they start ends by itself. It
// is meant for a build of the example with leakhound's suggested edits
// applied to leaky.go (go test -overlay): there the leak must be gone.
func EditRemovesLeak(t *testing.T, s harness.Scenario) {
	t.Helper()
	if s.Edited != nil {
		s.Leak = s.Edited
	}
	run, err := harness.Start(s)
	if err != nil {
		t.Fatal(err)
	}
	gs, err := run.Settle(harness.ReleaseBudget, harness.Gone)
	if err != nil {
		var b strings.Builder
		run.Report(gs).WriteText(&b)
		t.Fatalf("with the suggested edits, the %s scenario still leaves goroutines behind: %v\n%s", s.Name, err, b.String())
	}
	if err := run.Release(); err != nil {
		t.Fatal(err)
	}
}
