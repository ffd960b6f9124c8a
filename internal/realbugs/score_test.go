package realbugs

import (
	"testing"
	"time"
)

// scoreFloor is what today's diagnosis (report.New, through ReportClaims)
// scores on the corpus: TestScore fails when a measure drops below it. It
// is a floor, not a target; raise it when the diagnosis gets better.
var scoreFloor = Totals{Cases: 32, Found: 32, Block: 32, Class: 30, Partner: 31, Fix: 26, Edits: 24, EditsRemove: 24}

// TestScore scores today's diagnosis on every case (the rules are Row's
// and Score's), logs the table BENCHMARKS.md quotes, and holds each
// measure to scoreFloor. Every edit offered is also held to removing its
// leak: an edit that builds but leaks, or breaks, fails the test.
func TestScore(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the runcase program")
	}
	rows, err := Score(ReportClaims, newRunner(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	got := Total(rows)
	t.Logf("\n%s", Table(rows))
	for _, r := range rows {
		if r.Detail != "" {
			t.Logf("%s: %s", r.Case, r.Detail)
		}
	}
	for _, m := range []struct {
		name      string
		got, want int
	}{
		{"cases", got.Cases, scoreFloor.Cases},
		{"leaked goroutine found", got.Found, scoreFloor.Found},
		{"right blocking line", got.Block, scoreFloor.Block},
		{"right class", got.Class, scoreFloor.Class},
		{"partner on the right line", got.Partner, scoreFloor.Partner},
		{"fix as worded removes the leak", got.Fix, scoreFloor.Fix},
		{"edits that remove their leak", got.EditsRemove, scoreFloor.EditsRemove},
	} {
		if m.got < m.want {
			t.Errorf("%s: %d of %d cases, below the floor of %d", m.name, m.got, got.Cases, m.want)
		}
	}
	for _, r := range rows {
		if r.Edit == "leaks" || r.Edit == "breaks" {
			t.Errorf("%s: the suggested edit %s", r.Case, map[string]string{"leaks": "leaves the leak in place", "breaks": "breaks the build or the run"}[r.Edit])
		}
	}
}
