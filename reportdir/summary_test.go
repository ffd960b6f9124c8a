package reportdir

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/report"
)

// TestWriteStepSummary writes the summaries of packages the way test
// binaries do, each package several times and all at once: every package
// must be in the file once, with its latest counts, after what earlier
// steps wrote.
func TestWriteStepSummary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "summary.md")
	const earlier = "## Build\n\nall good"
	if err := os.WriteFile(path, []byte(earlier), 0o644); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	pkgs := []string{"example.com/a", "example.com/b", "example.com/c|pipe"}
	var wg sync.WaitGroup
	for _, pkg := range pkgs {
		wg.Go(func() {
			for n := 1; n <= 5; n++ {
				d := synthDoc(pkg, n, 1, at)
				if err := WriteStepSummary(path, []*report.Document{d}, pkg, report.SummaryOptions{Page: packageFiles(pkg).HTML}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	if !strings.HasPrefix(md, earlier+"\n\n") {
		t.Errorf("the earlier step's summary is not kept, followed by a blank line:\n%s", md)
	}
	for _, pkg := range pkgs {
		head := "### leakhound: 5 goroutines leaked in `" + pkg + "`"
		if n := strings.Count(md, head); n != 1 {
			t.Errorf("%s: its latest summary is there %d times, want once:\n%s", pkg, n, md)
		}
	}
	if n := strings.Count(md, "### leakhound:"); n != len(pkgs) {
		t.Errorf("%d summaries, want %d:\n%s", n, len(pkgs), md)
	}
}

func TestMarkdownSummaryMerged(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	var docs []*report.Document
	for i := range 30 {
		docs = append(docs, synthDoc("example.com/p"+strings.Repeat("x", i), i+1, 1, at))
	}
	b, err := readBaseline(strings.NewReader("# a comment\n\n0000000000000000 x\n"), "known.txt")
	if err != nil {
		t.Fatal(err)
	}
	known := docs[29].Reports[0].Groups[0]
	b.known[known.Fingerprint()] = 0 // known at any count
	for _, d := range docs {
		for _, r := range d.Reports {
			b.Mark(r)
		}
	}
	var md strings.Builder
	if err := report.WriteMarkdownSummary(&md, docs, report.SummaryOptions{Page: "index.html", Artifact: "leaks"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"### leakhound: 465 goroutines leaked in 30 packages", // 1+2+…+30
		"**464 new** (failing), 1 known in the baseline.",
		"| `example.com/p" + strings.Repeat("x", 29) + "` | 30 | 29 | 1 |", // largest first
		"… and 5 more; the report lists every package.",
		"Report: `index.html` in the artifact `leaks`.",
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, md.String())
		}
	}
}

func TestMarkdownSummaryNoLeaks(t *testing.T) {
	var md strings.Builder
	if err := report.WriteMarkdownSummary(&md, nil, report.SummaryOptions{Page: "index.html"}); err != nil {
		t.Fatal(err)
	}
	if got := md.String(); got != "### leakhound: no leaked goroutines\n" {
		t.Errorf("summary of no leaks:\n%s", got)
	}
}
