package main

import (
	"github.com/leakhound/leakhound/internal/dumptruth"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/report"
)

// corpusDir holds the real dumps profile's generator writes, one directory
// per Go version. LEAKHOUND_DUMPS points elsewhere, to try a freshly
// generated set before it is checked in.
func corpusDir() string {
	if d := os.Getenv("LEAKHOUND_DUMPS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "profile", "testdata", "dumps")
}

// TestReportCorpus runs the binary on every generated dump: each must give
// a report (exit 0) that holds every goroutine the generator recorded, and
// a timed-out test's goroutines must be attributed to it.
func TestReportCorpus(t *testing.T) {
	truths, _ := dumptruth.Files(corpusDir())
	if len(truths) == 0 {
		t.Skipf("no generated dumps under %s", corpusDir())
	}
	for _, tf := range truths {
		name := filepath.Base(filepath.Dir(tf)) + "/" + strings.TrimSuffix(filepath.Base(tf), dumptruth.Suffix)
		t.Run(name, func(t *testing.T) {
			truth, err := dumptruth.Load(tf)
			if err != nil {
				t.Fatal(err)
			}
			dump := truth.DumpPath(tf)
			if _, err := os.Stat(dump); err != nil {
				t.Skipf("the dump is not there: %v", err)
			}

			text := runBinary(t, "", nil, "report", dump)
			if text.code != exitOK || text.stdout == "" {
				t.Fatalf("text report: exit %d, %d bytes; stderr:\n%s", text.code, len(text.stdout), text.stderr)
			}

			r := runBinary(t, "", nil, "report", "-all", "-json", "-", dump)
			if r.code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
			}
			doc, err := report.ReadJSON(strings.NewReader(r.stdout))
			if err != nil {
				t.Fatalf("the JSON report does not decode: %v", err)
			}
			rep := doc.Reports[0]
			testOf := map[int64][]string{}
			leakedIn := map[int64]int{}
			for _, g := range rep.Groups {
				for _, id := range g.IDs {
					testOf[id] = g.Tests
					leakedIn[id] = g.Leaked
				}
			}
			for _, g := range truth.Goroutines {
				if g.ID == 0 {
					continue
				}
				tests, ok := testOf[g.ID]
				if !ok {
					t.Errorf("goroutine %d (%s) is missing from the report", g.ID, g.Name)
					continue
				}
				if g.Leaked && leakedIn[g.ID] == 0 {
					t.Errorf("goroutine %d (%s) was proven leaked, but its group counts no leaked goroutine", g.ID, g.Name)
				}
				if truth.Scenario == "timeout" && strings.Join(tests, ",") != "TestBlocksForever" {
					t.Errorf("goroutine %d (%s) is attributed to %q, want TestBlocksForever", g.ID, g.Name, tests)
				}
			}
			want := 0
			for _, s := range truth.Stacks {
				want += s.Count
			}
			if rep.Total < want {
				t.Errorf("the report counts %d goroutines, fewer than the %d the generator recorded", rep.Total, want)
			}
			// The report's first line says why the process dumped its
			// goroutines, when the dump says it.
			if first := firstText(truth); strings.HasPrefix(first, "panic: ") || strings.HasPrefix(first, "fatal error: ") || strings.HasPrefix(first, "SIGQUIT: ") {
				first, _, _ := strings.Cut(text.stdout, "\n")
				want := strings.TrimPrefix(firstText(truth), "panic: test")
				if !strings.Contains(first, want) {
					t.Errorf("the report's first line %q does not say %q", first, want)
				}
			}
			if truth.Scenario == "timeout" && !strings.Contains(text.stdout, "TestBlocksForever") {
				t.Errorf("the text report does not name the running test:\n%s", text.stdout)
			}
		})
	}
}

// firstText is the first line the generator recorded outside the
// goroutines, or "".
func firstText(t *dumptruth.Truth) string {
	if len(t.Text) == 0 {
		return ""
	}
	return t.Text[0]
}
