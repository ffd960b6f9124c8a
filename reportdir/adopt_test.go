package reportdir

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/testenv"
	"github.com/leakhound/leakhound/report"
)

// The package of adoptModule, as written first. Its two tests leak the
// same way: the baseline must know it as one leak.
const adoptStore = `package store

// Fetch sends the result to a receiver that may be gone.
func Fetch(ch chan int) { go func() { ch <- 1 }() }
`

const adoptTests = `package store

import (
	"testing"
	"time"

	"github.com/leakhound/leakhound/leakcheck"
)

func TestFetch(t *testing.T) {
	leakcheck.Check(t, leakcheck.SettleBudget(200*time.Millisecond))
	Fetch(make(chan int))
}

func TestFetchAgain(t *testing.T) {
	leakcheck.Check(t, leakcheck.SettleBudget(200*time.Millisecond))
	Fetch(make(chan int))
}
`

// goTestIn runs go test in mod with the environment cleared of every
// variable this package reads, then env added; it returns the output and
// whether the tests passed.
func goTestIn(t *testing.T, mod string, env ...string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, testenv.GoCommand(t), "test", "-count=1", "-v", "./...")
	cmd.Dir = mod
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case Env, BaselineEnv, BazelOutputsEnv, StepSummaryEnv, ArtifactEnv, "GITHUB_ACTIONS", "TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS":
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, "GOFLAGS=-mod=mod", "GOWORK=off")
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if _, failed := err.(*exec.ExitError); err != nil && !failed {
		t.Fatalf("go test: %v\n%s", err, out.String())
	}
	return out.String(), err == nil
}

// onlyGroups returns the groups of the one package document in dir.
func onlyGroups(t *testing.T, dir string) []*report.Group {
	t.Helper()
	docs, err := ReadDir(dir)
	if err != nil || len(docs) != 1 {
		t.Fatalf("ReadDir(%s) = %d documents, %v; want one", dir, len(docs), err)
	}
	var gs []*report.Group
	for _, r := range docs[0].Reports {
		gs = append(gs, r.Groups...)
	}
	return gs
}

// TestGoTestAdoption rolls leakhound out the way the README's "In CI"
// section does, with real go test runs of a generated module:
//
//  1. under Bazel's environment (TEST_UNDECLARED_OUTPUTS_DIR, no
//     LEAKHOUND_REPORT) and GitHub's (GITHUB_STEP_SUMMARY): the reports go
//     to Bazel's outputs directory, the summary names the package once;
//  2. a baseline is written from those reports; lines move above the leak;
//     with LEAKHOUND_BASELINE the known leak passes, its fingerprint held;
//  3. a new leak is added: it fails, marked new, the known one still known.
//
// Bazel itself is not run: its environment is simulated.
func TestGoTestAdoption(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on a generated module")
	}
	mod := writeModule(t, "example.com/adopt", map[string]string{
		"store/store.go":      adoptStore,
		"store/store_test.go": adoptTests,
	})
	work := t.TempDir()

	// 1. Bazel and GitHub Actions.
	bazelOut := filepath.Join(work, "bazel-testlogs", "store", "store_test", "test.outputs")
	summary := filepath.Join(work, "step_summary.md")
	writeFile(t, summary, "## Earlier step\n")
	out, passed := goTestIn(t, mod, BazelOutputsEnv+"="+bazelOut, StepSummaryEnv+"="+summary, ArtifactEnv+"=leakhound-shard-1")
	if passed {
		t.Fatalf("the leaking tests passed:\n%s", out)
	}
	first := onlyGroups(t, filepath.Join(bazelOut, BazelSubdir))
	if len(first) != 2 || first[0].Fingerprint() != first[1].Fingerprint() {
		t.Fatalf("want two groups (one per test) of one leak, got %d", len(first))
	}
	md, _ := os.ReadFile(summary)
	if !strings.HasPrefix(string(md), "## Earlier step\n") {
		t.Errorf("the step summary lost what an earlier step wrote:\n%s", md)
	}
	for _, want := range []string{"### leakhound: 2 goroutines leaked in `example.com/adopt/store`", "From 2 tests: `TestFetch`, `TestFetchAgain`.", "| channel send | 2 |", "`pkg-example.com_adopt_store.html` in the artifact `leakhound-shard-1`"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("step summary lacks %q:\n%s", want, md)
		}
	}
	if n := strings.Count(string(md), "### leakhound:"); n != 1 {
		t.Errorf("step summary has the package %d times, want once:\n%s", n, md)
	}

	// 2. The baseline, then unrelated edits that move the leak's lines.
	m, err := Collect([]string{filepath.Join(work, "bazel-testlogs")}, "")
	if err != nil {
		t.Fatal(err)
	}
	var base bytes.Buffer
	if err := WriteBaseline(&base, m.Docs); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(mod, "leakhound-baseline.txt"), base.String())
	moved := strings.Replace(adoptStore, "// Fetch sends", "import \"strings\"\n\n// Upper is unrelated to the leak; it moves Fetch down.\nfunc Upper(s string) string {\n\treturn strings.ToUpper(s)\n}\n\n// Fetch sends", 1)
	writeFile(t, filepath.Join(mod, "store", "store.go"), moved)
	reports2 := filepath.Join(work, "run2")
	out, passed = goTestIn(t, mod, BaselineEnv+"=leakhound-baseline.txt", Env+"="+reports2)
	if !passed {
		t.Fatalf("known leaks failed the tests:\n%s", out)
	}
	if !strings.Contains(out, "all known leaks in the baseline; they do not fail it") {
		t.Errorf("the known leaks are not listed:\n%s", out)
	}
	second := onlyGroups(t, reports2)
	for _, g := range second {
		if g.Block.Line == first[0].Block.Line {
			t.Fatalf("the leak did not move (line %d): the test edits nothing", g.Block.Line)
		}
		if g.Fingerprint() != first[0].Fingerprint() || !g.Known {
			t.Errorf("after the leak moved from line %d to %d: fingerprint %s (was %s), known %v",
				first[0].Block.Line, g.Block.Line, g.Fingerprint(), first[0].Fingerprint(), g.Known)
		}
	}

	// 3. A new leak fails; the known one stays known.
	writeFile(t, filepath.Join(mod, "store", "watch.go"), "package store\n\n// Watch waits for a value nobody sends.\nfunc Watch(ch chan int) { go func() { <-ch }() }\n")
	writeFile(t, filepath.Join(mod, "store", "watch_test.go"), `package store

import (
	"testing"
	"time"

	"github.com/leakhound/leakhound/leakcheck"
)

func TestWatchAndFetch(t *testing.T) {
	leakcheck.Check(t, leakcheck.SettleBudget(200*time.Millisecond))
	Watch(make(chan int))
	Fetch(make(chan int))
}
`)
	reports3 := filepath.Join(work, "run3")
	out, passed = goTestIn(t, mod, BaselineEnv+"=leakhound-baseline.txt", Env+"="+reports3)
	if passed {
		t.Fatalf("a new leak passed:\n%s", out)
	}
	if !strings.Contains(out, "--- FAIL: TestWatchAndFetch") || strings.Contains(out, "--- FAIL: TestFetch ") {
		t.Errorf("want only the test with the new leak to fail:\n%s", out)
	}
	if !strings.Contains(out, "1 new, 1 known in the baseline leakhound-baseline.txt") {
		t.Errorf("the failure does not tell new from known:\n%s", out)
	}
	var newOnes, known int
	for _, g := range onlyGroups(t, reports3) {
		if g.Known {
			known++
		} else {
			newOnes++
		}
	}
	if newOnes != 1 || known != 3 {
		t.Errorf("report marks %d groups new and %d known, want 1 and 3", newOnes, known)
	}
}
