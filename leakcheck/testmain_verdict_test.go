package leakcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// Helper tests and tests for VerifyTestMain's verdict on goroutines no
// label ties to a test, its runs of parts of the tests (bounded, keeping
// the user's narrowing, never triggered from outside), and goroutines
// started before the tests.

// runLogEnv names, in a helper process, a file each helper subtest that
// calls logRun appends its name to, in every process: the runs of parts of
// the tests included.
const runLogEnv = "LEAKCHECK_TEST_RUNLOG"

// logRun appends t's name to the run log, when there is one.
func logRun(t *testing.T) {
	path := os.Getenv(runLogEnv)
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		t.Errorf("opening the run log: %v", err)
		return
	}
	defer f.Close()
	if _, err := f.WriteString(t.Name() + "\n"); err != nil {
		t.Errorf("writing the run log: %v", err)
	}
}

// timerTableLeak is where the leaking case's timer callback blocks.
func timerTableLeak() { <-helperBlock }

// TestHelperTimerTable is a table of parallel subtests, each checked by
// Wrap, one of which leaves a time.AfterFunc callback blocked forever. The
// callback has no label and no creator, so only the rule for goroutines
// started outside any test can place it. The subtests wait for each other
// before the leak, so their checks overlap (run it with -test.parallel at
// least 4).
func TestHelperTimerTable(t *testing.T) {
	helperMode(t)
	var arrived sync.WaitGroup
	for _, name := range []string{"clean_0", "clean_1", "leak", "clean_2"} {
		t.Run(name, Wrap(func(t *testing.T) {
			// Every selected subtest counts itself in before any
			// resumes: parallel subtests pause until the table's
			// function has returned.
			arrived.Add(1)
			t.Parallel()
			arrived.Done()
			arrived.Wait()
			if name != "leak" {
				return
			}
			var started sync.WaitGroup
			started.Add(1)
			time.AfterFunc(time.Millisecond, func() { started.Done(); timerTableLeak() })
			started.Wait()
		}, SettleBudget(100*time.Millisecond)))
	}
}

// TestHelperTimerAlone leaks a timer callback under its own Check, with no
// other check running: the check fails it as the test's own.
func TestHelperTimerAlone(t *testing.T) {
	helperMode(t)
	Check(t, SettleBudget(100*time.Millisecond))
	var started sync.WaitGroup
	started.Add(1)
	time.AfterFunc(time.Millisecond, func() { started.Done(); timerTableLeak() })
	started.Wait()
}

// TestCheckTimerTable: the table's leak fails something that owns it, with
// and without VerifyTestMain, no clean subtest fails or is named, and with
// VerifyTestMain the leaking subtest is named.
func TestCheckTimerTable(t *testing.T) {
	for _, mode := range []string{modeHelperTest, modeVerifyMain} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			code, out := runHelperArgs(t, mode, "-test.run=^TestHelperTimerTable$", "-test.parallel=8")
			if code == 0 {
				t.Errorf("exit code 0: the leak failed nothing")
			}
			if !strings.Contains(out, "--- FAIL: TestHelperTimerTable ") && !strings.Contains(out, "--- FAIL: TestHelperTimerTable/leak ") {
				t.Errorf("neither the table nor its leaking subtest failed")
			}
			if strings.Contains(out, "--- FAIL: TestHelperTimerTable/clean") {
				t.Errorf("a clean subtest failed")
			}
			if strings.Contains(out, "test: TestHelperTimerTable/clean") {
				t.Errorf("a clean subtest is named as the starter of a goroutine")
			}
			if mode == modeVerifyMain {
				if got := testsOfGroup(out, "timerTableLeak"); got != "TestHelperTimerTable/leak" {
					t.Errorf("the callback's group names %q, want TestHelperTimerTable/leak", got)
				}
			}
			if t.Failed() {
				t.Logf("output:\n%s", out)
			}
		})
	}
}

// TestProbeEnvFromOutside: LEAKHOUND_PROBE in the environment of a test
// binary not started by VerifyTestMain to name a test is ignored: the
// tests fail as usual and no file is written or truncated.
func TestProbeEnvFromOutside(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	forged := filepath.Join(dir, "forged")
	if err := os.MkdirAll(forged, 0o700); err != nil {
		t.Fatal(err)
	}
	// The right token, but written for another parent.
	if err := os.WriteFile(filepath.Join(forged, probeTokenFile), []byte(probeTokenText("abc", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, value string }{
		{"a file, as probes once were marked", victim},
		{"a directory and a token, no token file", dir + ":abc"},
		{"a token file of another parent", forged + ":abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := runHelper(t, modeVerifyMain, "TestHelperFailsAndLeaks", probeEnv+"="+tt.value)
			if code != 1 || !strings.Contains(out, "fails on purpose") || !strings.Contains(out, "outlived the tests") {
				t.Errorf("exit code %d; the failure and the report must show:\n%s", code, out)
			}
			if !strings.Contains(out, "ignoring "+probeEnv) {
				t.Errorf("the output does not say %s was ignored:\n%s", probeEnv, out)
			}
			if data, err := os.ReadFile(victim); err != nil || string(data) != "keep" {
				t.Errorf("the file named by %s changed: %q, %v", probeEnv, data, err)
			}
			if _, err := os.Stat(filepath.Join(forged, probeKindsFile)); err == nil {
				t.Errorf("a probe's findings were written")
			}
		})
	}
}

// orderReady is closed by the subtest "setup" of TestHelperOrderDependent;
// "use" needs it, so "use" alone never ends.
var orderReady = make(chan struct{})

func orderLeak() { <-helperBlock }

func TestHelperOrderDependent(t *testing.T) {
	helperMode(t)
	t.Run("setup", func(t *testing.T) { close(orderReady) })
	t.Run("use", func(t *testing.T) {
		<-orderReady
		go orderLeak()
	})
}

// TestVerifyTestMainProbesBounded: a run of a part of the tests that hangs
// (a subtest that needs another's setup) ends at its own timeout, a share
// of what -test.timeout leaves; the report is printed before, and the
// process is not killed by -test.timeout.
func TestVerifyTestMainProbesBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a probe's timeout")
	}
	// It waits for a child process, and looks at no goroutine of this
	// process: it can wait beside other such tests.
	t.Parallel()
	code, out := runHelperArgs(t, modeVerifyMain, "-test.run=^TestHelperOrderDependent$", "-test.timeout=40s")
	report := strings.Index(out, "outlived the tests")
	timedOut := strings.Index(out, "did not end within")
	switch {
	case code != 1:
		t.Errorf("exit code %d, want 1", code)
	case report < 0 || timedOut < 0 || timedOut < report:
		t.Errorf("want the report, then the probe that timed out")
	case strings.Contains(out, "panic: test timed out"):
		t.Errorf("the process ran past -test.timeout")
	case testsOfGroup(out, "orderLeak") != "TestHelperOrderDependent":
		t.Errorf("the leak is not named by its top-level test")
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

// TestVerifyTestMainProbesKeepNarrowing: runs of parts of the tests run no
// subtest the user's -test.run left out; with LEAKHOUND_RERUNS=off there
// are none.
func TestVerifyTestMainProbesKeepNarrowing(t *testing.T) {
	tests := []struct {
		name     string
		env      string
		want     string // the test the report finally names
		wantRuns bool   // parts of the tests ran again
	}{
		{name: "narrowed", want: "TestHelperLeakSubtest/case_3", wantRuns: true},
		{name: "off", env: rerunsEnv + "=off", want: "TestHelperLeakSubtest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			runLog := filepath.Join(t.TempDir(), "runs")
			var env []string
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "GODEBUG=") {
					env = append(env, kv)
				}
			}
			env = append(env, helperEnv+"="+modeVerifyMain, runLogEnv+"="+runLog)
			if tt.env != "" {
				env = append(env, tt.env)
			}
			code, out := runTestBinary(t, env, "-test.count=1", "-test.v", "-test.run=^TestHelperLeakSubtest$/^case_[3-5]$")
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			if got := testsOfGroup(out, "leakInSubtest"); got != tt.want {
				t.Errorf("the leak is named %q, want %q", got, tt.want)
			}
			data, _ := os.ReadFile(runLog)
			for _, excluded := range []string{"case_0", "case_1", "case_2"} {
				if strings.Contains(string(data), excluded) {
					t.Errorf("%s ran, though -test.run leaves it out", excluded)
				}
			}
			runs := strings.Count(string(data), "case_3")
			if tt.wantRuns != (runs > 1) {
				t.Errorf("case_3 ran %d times", runs)
			}
			if !tt.wantRuns && !strings.Contains(out, "running parts of the tests again is off") {
				t.Errorf("the report does not say the runs are off")
			}
			if t.Failed() {
				t.Logf("output:\n%s\nrun log:\n%s", out, data)
			}
		})
	}
}

// initWorkerBlock and initWorker: a package-level variable whose
// initialiser starts a worker that never ends, in the helper modes that
// ask for it.
func initWorker() { <-helperBlock }

var _ = func() int {
	switch os.Getenv(helperEnv) {
	case modeVerifyInit, modeVerifyInitOK:
		go initWorker()
	}
	return 0
}()

// TestVerifyTestMainInitGoroutines: a goroutine started during package
// initialisation and running at exit fails the package, as with goleak, in
// a section of its own; IgnoreInitGoroutines keeps it out.
func TestVerifyTestMainInitGoroutines(t *testing.T) {
	tests := []struct {
		mode     string
		wantCode int
	}{
		{modeVerifyInit, 1},
		{modeVerifyInitOK, 0},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Parallel()
			code, out := runHelper(t, tt.mode, "TestHelperClean")
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			section := strings.Contains(out, initTitle) && strings.Contains(out, "initWorker")
			if section != (tt.wantCode == 1) {
				t.Errorf("section of goroutines started before the tests shown: %v, want %v", section, tt.wantCode == 1)
			}
			if strings.Contains(out, "test: TestHelperClean") {
				t.Errorf("the worker is blamed on a test")
			}
			if t.Failed() {
				t.Logf("output:\n%s", out)
			}
		})
	}
}

// TestNameLeaksSaysBudgetSpent: a leak that needs two of a table's 40
// subtests together makes the runs drop subtests one at a time until the
// budget is spent; the answer is a wide "one of", and the note says the
// runs stopped early.
func TestNameLeaksSaysBudgetSpent(t *testing.T) {
	var children []string
	for i := range 40 {
		children = append(children, fmt.Sprintf("c%02d", i))
	}
	g := &profile.Goroutine{ID: 9, State: "chan receive", Frames: []profile.Frame{{Func: "example.com/p.pair"}}}
	kind := leakKind(g)
	p := &prober{seen: make(map[string]probeResult)}
	p.runFn = func(pattern string, _ time.Duration) (probeResult, error) {
		r := probeResult{kinds: map[string]int{}}
		switch {
		case pattern == "^TestT$":
			for _, c := range children {
				r.names = append(r.names, "TestT/"+c)
			}
			r.kinds[kind] = 1
		case strings.Contains(pattern, "c00") && strings.Contains(pattern, "c39"):
			r.kinds[kind] = 1
		}
		return r, nil
	}
	runs := &testRuns{subs: map[string]bool{"TestT": true}, ran: map[string]bool{"TestT": true}}
	n := nameLeaks([]report.Leak{{Goroutine: g, Test: "TestT", Attribution: profile.ByLabel}}, nil, runs, p)
	if p.runs != maxProbeRuns {
		t.Errorf("%d runs, want the budget of %d", p.runs, maxProbeRuns)
	}
	if len(n.named) != 1 || !strings.HasPrefix(n.named[0].Test, "one of ") {
		t.Fatalf("named %+v, want one \"one of\" answer", n.named)
	}
	if note := n.note(); !strings.Contains(note, "stopped early") || !strings.Contains(note, "budget of 32 runs") {
		t.Errorf("the note does not say the budget was spent: %q", note)
	}
}
