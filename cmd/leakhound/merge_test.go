package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/reportdir"
)

// shardLeak writes a report directory whose package leaks count goroutines
// blocked in fn, as a CI job's tests leave it.
func shardLeak(t *testing.T, dir, pkg, fn string, count int) {
	t.Helper()
	r := &report.Report{Title: "TestX", Package: pkg, Total: count, Groups: []*report.Group{{
		Reason: report.ReasonChanSend, State: "chan send", Count: count, Tests: []string{"TestX"},
		Block:     profile.Frame{Func: fn, File: "/src/" + pkg + "/x.go", Line: 12},
		CreatedBy: &profile.Frame{Func: pkg + ".Start", File: "/src/" + pkg + "/x.go", Line: 10},
	}}}
	if err := reportdir.WriteDir(dir, pkg, []*report.Report{r}); err != nil {
		t.Fatal(err)
	}
}

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e strings.Builder
	code = run(args, nil, &o, &e)
	return code, o.String(), e.String()
}

// TestMergeCommand walks the adoption path: a baseline from today's
// shards, a merge where only known leaks remain (passes), one with a new
// leak (fails with -fail), one with a torn shard (exit 3).
func TestMergeCommand(t *testing.T) {
	t.Setenv(reportdir.StepSummaryEnv, "")
	t.Setenv(reportdir.BaselineEnv, "")
	root := t.TempDir()
	old := filepath.Join(root, "today")
	shardLeak(t, filepath.Join(old, "shard-1"), "example.com/a", "example.com/a.send", 2)
	shardLeak(t, filepath.Join(old, "shard-2"), "example.com/b", "example.com/b.send", 3)

	baseline := filepath.Join(root, "leakhound-baseline.txt")
	if code, _, stderr := runCmd(t, "baseline", "-o", baseline, old); code != exitOK {
		t.Fatalf("baseline: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(baseline)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "chan-send example.com/"); n != 2 {
		t.Errorf("baseline lists %d leaks, want 2:\n%s", n, b)
	}

	out := filepath.Join(root, "merged")
	summary := filepath.Join(root, "summary.md")
	code, stdout, stderr := runCmd(t, "merge", "-o", out, "-known", baseline, "-fail", "-summary", summary, "-artifact", "leakhound-merged", old)
	if code != exitOK {
		t.Errorf("merge of known leaks with -fail: exit %d, want %d: %s", code, exitOK, stderr)
	}
	if !strings.Contains(stdout, "2 packages from 2 shards: 5 goroutines leaked, 0 new, 5 known") {
		t.Errorf("merge says:\n%s", stdout)
	}
	md, _ := os.ReadFile(summary)
	for _, want := range []string{"**0 new** (failing), 5 known in the baseline", "`index.html` in the artifact `leakhound-merged`", "| `example.com/b` | 3 | 0 | 3 |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("summary lacks %q:\n%s", want, md)
		}
	}

	// A new leak in a new package: it fails, the known ones still do not.
	shardLeak(t, filepath.Join(root, "today", "shard-3"), "example.com/c", "example.com/c.recv", 1)
	code, stdout, _ = runCmd(t, "merge", "-o", out, "-known", baseline, "-fail", old)
	if code != exitFound || !strings.Contains(stdout, "6 goroutines leaked, 1 new, 5 known") {
		t.Errorf("merge with a new leak: exit %d, want %d; says:\n%s", code, exitFound, stdout)
	}
	page, _ := os.ReadFile(filepath.Join(out, report.IndexPage))
	if strings.Count(string(page), `class="badge status new"`) != 1 || strings.Count(string(page), `class="badge status known"`) != 2 {
		t.Error("index does not mark one new and two known leaks")
	}

	// A torn shard: reported, skipped, exit 3, the rest merged.
	torn := filepath.Join(old, "shard-4")
	if err := os.MkdirAll(torn, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(torn, "pkg-example.com_d.json"), []byte(`{"schema_version":1,"package":"exa`), 0o644)
	code, stdout, stderr = runCmd(t, "merge", "-o", out, old)
	if code != exitSkipped || !strings.Contains(stderr, torn+": skipped, torn shard") || !strings.Contains(stdout, "3 packages from 3 shards") {
		t.Errorf("merge with a torn shard: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitSkipped, stdout, stderr)
	}
	if code, _, stderr := runCmd(t, "baseline", old); code != exitUsage || !strings.Contains(stderr, "torn") {
		t.Errorf("baseline over a torn shard: exit %d, want %d: %s", code, exitUsage, stderr)
	}
	if code, _, _ := runCmd(t, "merge"); code != exitUsage {
		t.Errorf("merge without input: exit %d, want %d", code, exitUsage)
	}
}
