package leakcheck

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/profile"
)

// helperBlock is never closed: goroutines that receive from it stay until
// the helper process exits.
var helperBlock = make(chan struct{})

func TestHelperClean(t *testing.T) {
	helperMode(t)
	p := park()
	p.stop()
}

func TestHelperLeakDirect(t *testing.T) {
	helperMode(t)
	go func() { <-helperBlock }()
}

func TestHelperLeakViaHelper(t *testing.T) {
	helperMode(t)
	startBackgroundWork()
}

// startBackgroundWork starts a goroutine from a function that is not a
// test, and returns: nothing in the goroutine's own stack names the test.
func startBackgroundWork() {
	go func() { <-helperBlock }()
}

// TestHelperLeakUnlabelled leaks a goroutine that carries no test's label
// (pprof.Do with context.Background() replaced it) from a goroutine that
// has exited: only the creators' stacks under tracebackancestors can name
// the test.
func TestHelperLeakUnlabelled(t *testing.T) {
	helperMode(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		pprof.Do(context.Background(), pprof.Labels("stage", "detached"), func(context.Context) {
			startBackgroundWork()
		})
	}()
	<-done
}

// TestHelperLabelled leaks through a helper function, so only the label
// Check put on it can name the test; its own check is told to let it be.
func TestHelperLabelled(t *testing.T) {
	helperMode(t)
	Check(t, IgnoreAnyFunction("github.com/leakhound/leakhound/leakcheck.startBackgroundWork.func1"))
	startBackgroundWork()
}

// TestHelperCheckedAndLeaks leaks two goroutines that its own Check
// reports.
func TestHelperCheckedAndLeaks(t *testing.T) {
	helperMode(t)
	Check(t, SettleBudget(100*time.Millisecond))
	for range 2 {
		go func() { <-helperBlock }()
	}
}

func TestHelperFailsAndLeaks(t *testing.T) {
	helperMode(t)
	go func() { <-helperBlock }()
	t.Error("this helper test fails on purpose")
}

// runHelper runs this test binary again with one helper test selected,
// in the given helper mode, and returns its exit code and output.
func runHelper(t *testing.T, mode, test string, env ...string) (int, string) {
	t.Helper()
	return runTestBinary(t, append(append(os.Environ(), helperEnv+"="+mode), env...),
		"-test.run=^"+test+"$", "-test.count=1", "-test.v")
}

// runTestBinary runs this test binary again with the environment and
// arguments, and returns its exit code and output.
func runTestBinary(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out.String()
	case errors.As(err, &exit):
		return exit.ExitCode(), out.String()
	default:
		t.Fatalf("running the helper: %v\n%s", err, out.String())
		return 0, ""
	}
}

// TestVerifyTestMain runs small test binaries under VerifyTestMain and
// checks the exit code and what the report says about the test behind
// each leak.
func TestVerifyTestMain(t *testing.T) {
	tests := []struct {
		name     string
		mode     string
		test     string
		env      []string
		wantCode int
		want     []string // in the output
		wantNot  []string // not in the output
	}{
		{
			name: "clean", mode: modeVerifyMain, test: "TestHelperClean",
			wantCode: 0, wantNot: []string{"outlived the tests"},
		},
		{
			name: "the test function is called by testing's runner", mode: modeVerifyMain, test: "TestHelperCalledByTRunner",
			wantCode: 0, want: []string{"--- PASS: TestHelperCalledByTRunner"},
		},
		{
			name: "leak named by its creator", mode: modeVerifyMain, test: "TestHelperLeakDirect",
			wantCode: 1, want: []string{"outlived the tests", "TestHelperLeakDirect"},
			wantNot: []string{"could not be tied to a test"},
		},
		{
			name: "leak from a helper function, test named by VerifyTestMain's label", mode: modeVerifyMain, test: "TestHelperLeakViaHelper",
			env:      []string{"GODEBUG=tracebackancestors=0"},
			wantCode: 1, want: []string{"outlived the tests", "TestHelperLeakViaHelper"},
			wantNot: []string{"could not be tied to a test"},
		},
		{
			name: "label dropped in a goroutine that exited, test unknown", mode: modeVerifyNoReruns, test: "TestHelperLeakUnlabelled|TestHelperClean",
			env:      []string{"GODEBUG=tracebackancestors=0"},
			wantCode: 1, want: []string{"outlived the tests", "could not be tied to a test", "tracebackancestors", "running parts of the tests again is off"},
		},
		{
			name: "label dropped in a goroutine that exited, named as the one test that ran", mode: modeVerifyMain, test: "TestHelperLeakUnlabelled",
			env:      []string{"GODEBUG=tracebackancestors=0"},
			wantCode: 1, want: []string{"outlived the tests", "the tests behind 1 goroutine", "test: TestHelperLeakUnlabelled"},
			wantNot: []string{"could not be tied to a test", "ran parts of the tests again"},
		},
		{
			name: "label dropped in a goroutine that exited, named by running the tests apart", mode: modeVerifyMain, test: "TestHelperLeakUnlabelled|TestHelperClean",
			env:      []string{"GODEBUG=tracebackancestors=0"},
			wantCode: 1, want: []string{"outlived the tests", "the tests behind 1 goroutine", "test: TestHelperLeakUnlabelled", "ran parts of the tests again"},
			wantNot: []string{"could not be tied to a test"},
		},
		{
			name: "label dropped in a goroutine that exited, test named by ancestors", mode: modeVerifyMain, test: "TestHelperLeakUnlabelled",
			env:      []string{"GODEBUG=tracebackancestors=10"},
			wantCode: 1, want: []string{"outlived the tests", "TestHelperLeakUnlabelled"},
			wantNot: []string{"could not be tied to a test"},
		},
		{
			name: "leak named by the label of Check", mode: modeVerifyMain, test: "TestHelperLabelled",
			env:      []string{"GODEBUG=tracebackancestors=0"},
			wantCode: 1, want: []string{"outlived the tests", "TestHelperLabelled"},
			wantNot: []string{"could not be tied to a test"},
		},
		{
			name: "leak a Check already reported is counted, not failed again", mode: modeVerifyMain, test: "TestHelperCheckedAndLeaks",
			wantCode: 1, want: []string{"goroutines started by this test are still running",
				"2 goroutines left over from TestHelperCheckedAndLeaks, already reported, not failing again"},
			wantNot: []string{"outlived the tests"},
		},
		{
			name: "a timer callback a Check failed its test for alone is not run again", mode: modeVerifyMain, test: "TestHelperTimerAlone",
			wantCode: 1, want: []string{"1 goroutine left over from TestHelperTimerAlone, already reported, not failing again"},
			wantNot: []string{"outlived the tests", "ran parts of the tests again"},
		},
		{
			name: "failing test still checked", mode: modeVerifyMain, test: "TestHelperFailsAndLeaks",
			wantCode: 1, want: []string{"fails on purpose", "outlived the tests", "TestHelperFailsAndLeaks"},
		},
		{
			name: "failing test not checked when asked", mode: modeVerifyMainSkip, test: "TestHelperFailsAndLeaks",
			wantCode: 1, want: []string{"fails on purpose"}, wantNot: []string{"outlived the tests"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each case is a process of its own, mostly waiting on its
			// start, settling and probe runs: the cases overlap.
			t.Parallel()
			code, out := runHelper(t, tt.mode, tt.test, tt.env...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(out, w) {
					t.Errorf("output has %q", w)
				}
			}
			if t.Failed() {
				t.Logf("output:\n%s", out)
			}
		})
	}
}

// TestHelperProvenFast leaks a goroutine on a channel nothing else can
// reach, which the runtime can prove leaked: the check must not wait for
// its (long) budget.
func TestHelperProvenFast(t *testing.T) {
	helperMode(t)
	ft, tc := startCheck(t, "TestProven", SettleBudget(cleanBudget))
	go func() {
		ch := make(chan int)
		<-ch
	}()
	ft.runCleanups()
	switch {
	case !ft.failed() || len(tc.result.leaks) != 1:
		t.Fatalf("the proven leak was not reported once:\n%s", ft.errorText())
	case !tc.result.leaks[0].Goroutine.Leaked:
		t.Fatal("the leak is not marked proven")
	case tc.result.waited >= cleanBudget/2:
		t.Fatalf("the check waited %v for a proven leak", tc.result.waited)
	}
}

// TestCheckProvenLeakIsFast runs TestHelperProvenFast in a separate process,
// since the goroutine it leaks can never be released.
func TestCheckProvenLeakIsFast(t *testing.T) {
	if !profile.LeakProfileAvailable() {
		t.Skip("this runtime cannot prove leaks")
	}
	code, out := runHelper(t, modeHelperTest, "TestHelperProvenFast")
	if code != 0 || !strings.Contains(out, "--- PASS: TestHelperProvenFast") {
		t.Fatalf("exit code %d:\n%s", code, out)
	}
}
