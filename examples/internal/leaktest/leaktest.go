// Package leaktest holds the assertions every example's test makes about its
// leaky version: that leakhound sees the leak, classifies it with the
// example's blocking reason and pattern, and points at the marked line —
// both through the harness (structured report) and through leakcheck.Check
// itself (the text a failing test prints).
package leaktest

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// SettleBudget bounds how long a leaky scenario may take to reach the state
// the test expects. Scenarios get there in milliseconds; the budget is
// generous so a loaded machine never makes a test flaky.
const SettleBudget = 10 * time.Second

// Site is a place where leaked goroutines are expected to block.
type Site struct {
	// File is the source file, relative to the test's package directory.
	File string
	// Line is the line in File; found from harness.Marker by Marked.
	Line int
	// Count is how many goroutines block there.
	Count int
}

// Marked returns one Site per line of file carrying harness.Marker, each
// expecting count goroutines.
func Marked(t testing.TB, file string, count int) []Site {
	t.Helper()
	lines, err := harness.MarkerLines(file)
	if err != nil {
		t.Fatal(err)
	}
	sites := make([]Site, len(lines))
	for i, l := range lines {
		sites[i] = Site{File: file, Line: l, Count: count}
	}
	return sites
}

// Leak starts s, waits until its goroutines block at every site, and
// asserts that the report groups them there with s.Reason and s.PatternID,
// and reports nothing else (goroutines still finishing are waited for). The goroutines are released when the test
// ends. It returns the report for further checks.
func Leak(t testing.TB, s harness.Scenario, sites []Site) *report.Report {
	t.Helper()
	run, err := harness.Start(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := run.Release(); err != nil {
			t.Error(err)
		}
	})
	want := 0
	for _, st := range sites {
		want += st.Count
	}
	// Ready when every site has its goroutines and nothing else is left:
	// goroutines that are merely finishing (a successful upload, a dialer)
	// get the time to go, and a real extra leak fails the settle, named.
	gs, err := run.Settle(SettleBudget, func(_, cur []*profile.Goroutine) bool {
		for _, st := range sites {
			if harness.CountAt(cur, st.File, st.Line) < st.Count {
				return false
			}
		}
		return len(cur) == want
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, describe(gs))
	}
	rep := run.Report(gs)
	for _, st := range sites {
		g := harness.GroupAt(rep, st.File, st.Line)
		if g == nil {
			t.Errorf("no group blocked at %s:%d", st.File, st.Line)
			continue
		}
		if g.Count != st.Count {
			t.Errorf("group at %s:%d has %s, want %d", st.File, st.Line, words.Plural(g.Count, "goroutine"), st.Count)
		}
		if g.Reason != s.Reason {
			t.Errorf("group at %s:%d: reason %q, want %q", st.File, st.Line, g.Reason, s.Reason)
		}
		if g.Diagnosis.PatternID != s.PatternID {
			t.Errorf("group at %s:%d: pattern %q (%s), want %q", st.File, st.Line,
				g.Diagnosis.PatternID, g.Diagnosis.Summary, s.PatternID)
		}
	}
	if rep.Total != want {
		t.Errorf("the report counts %s, want %d", words.Plural(rep.Total, "goroutine"), want)
	}
	if t.Failed() {
		t.Logf("report:\n%s", Text(rep))
	}
	return rep
}

// Text renders rep as the text report, or says why it could not.
func Text(rep *report.Report) string {
	var buf bytes.Buffer
	if err := rep.WriteText(&buf); err != nil {
		fmt.Fprintf(&buf, "(rendering failed: %v)", err)
	}
	return buf.String()
}

func describe(gs []*profile.Goroutine) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s of the scenario at the deadline:\n", words.Plural(len(gs), "goroutine"))
	for _, g := range gs {
		fmt.Fprintf(&b, "  goroutine %d [%s]", g.ID, g.State)
		if len(g.Frames) > 0 {
			f := g.Frames[0]
			fmt.Fprintf(&b, " in %s at %s:%d", f.Func, f.File, f.Line)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
