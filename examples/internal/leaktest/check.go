package leaktest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/leakcheck"
	"github.com/leakhound/leakhound/report"
)

// CheckFails runs s's leaky version inside a test watched by
// leakcheck.Check — a Recorder, so the real test does not fail — and
// asserts that the check failed naming s.PatternID and every site as
// file:line. It also has the check write its report files (the ReportDir
// option) and asserts on the JSON leakcheck wrote: a group at every site,
// with s.Reason and s.PatternID. The goroutines are released afterwards.
// It returns the failure text.
func CheckFails(t testing.TB, s harness.Scenario, sites []Site) string {
	t.Helper()
	rec := NewRecorder(t, s.Name+"-leaky")
	dir := t.TempDir()
	leakcheck.Check(rec, leakcheck.ReportDir(dir))
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
	checkWritten(t, dir, s, sites)
	return msg
}

// checkWritten reads the JSON report leakcheck wrote into dir and asserts
// that it has a group at every site with s's reason and pattern.
func checkWritten(t testing.TB, dir string, s harness.Scenario, sites []Site) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "pkg-*.json"))
	if err != nil || len(files) != 1 {
		t.Errorf("want one JSON report in %s, found %v (%v)", dir, files, err)
		return
	}
	f, err := os.Open(files[0])
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	doc, err := report.ReadJSON(f)
	if err != nil {
		t.Errorf("reading leakcheck's JSON report: %v", err)
		return
	}
	for _, st := range sites {
		var g *report.Group
		for _, rep := range doc.Reports {
			if g = harness.GroupAt(rep, st.File, st.Line); g != nil {
				break
			}
		}
		switch {
		case g == nil:
			t.Errorf("leakcheck's JSON report has no group at %s:%d", st.File, st.Line)
		case g.Reason != s.Reason || g.Diagnosis.PatternID != s.PatternID:
			t.Errorf("leakcheck's JSON report: group at %s:%d is %s/%s, want %s/%s", st.File, st.Line,
				g.Reason, g.Diagnosis.PatternID, s.Reason, s.PatternID)
		}
	}
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
