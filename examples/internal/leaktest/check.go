package leaktest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/leakcheck"
)

// CheckFails runs s's leaky version inside a test watched by
// leakcheck.Check — a Recorder, so the real test does not fail — and
// asserts that the check failed naming s.PatternID and every site as
// file:line. The goroutines are released afterwards. It returns the
// failure text.
func CheckFails(t testing.TB, s harness.Scenario, sites []Site) string {
	t.Helper()
	rec := NewRecorder(t, s.Name+"-leaky")
	leakcheck.Check(rec)
	release, err := s.Leak()
	if err != nil {
		rec.RunCleanups()
		t.Fatal(err)
	}
	rec.RunCleanups() // the end of the recorded test: the check runs
	release()
	msg := rec.Errors()
	if msg == "" {
		t.Fatalf("leakcheck.Check did not fail the leaky %s scenario", s.Name)
	}
	var missing []string
	for _, want := range append(siteNames(sites), s.PatternID) {
		if !strings.Contains(msg, want) {
			missing = append(missing, want)
		}
	}
	if len(missing) > 0 {
		t.Errorf("leakcheck's failure does not mention %s:\n%s", strings.Join(missing, ", "), msg)
	}
	return msg
}

// siteNames returns "file:line" for each site, file by its base name: the
// report shows paths relative to the module, which end with it.
func siteNames(sites []Site) []string {
	names := make([]string, len(sites))
	for i, s := range sites {
		names[i] = fmt.Sprintf("%s:%d", filepath.Base(s.File), s.Line)
	}
	return names
}

// FixedPasses runs s's fixed version, through the same steps as the leaky
// one, under leakcheck.Check on t itself: if the fixed version leaves a
// goroutine behind, t fails with leakcheck's report. What the scenario set
// up around it (servers, workers) is stopped in a cleanup that runs before
// the check.
func FixedPasses(t *testing.T, s harness.Scenario) {
	t.Helper()
	leakcheck.Check(t)
	release, err := s.Fixed()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
}
