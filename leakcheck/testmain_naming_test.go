package leakcheck

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Helper tests for naming the test behind a leak from VerifyTestMain alone,
// with no GODEBUG: each leaks through code that is not a test function, so
// only the label VerifyTestMain puts on each test (or, for subtests, the
// runs it makes to find them) can name it.

// blockedWorker parks until the helper process exits; it is the body of
// every goroutine the constructors below leak.
func blockedWorker() { <-helperBlock }

// pool is a constructor-made object whose worker goroutine starts through
// sync.WaitGroup.Go and is never stopped.
type pool struct{ wg sync.WaitGroup }

func newPool() *pool {
	p := &pool{}
	p.wg.Go(blockedWorker)
	return p
}

// taskGroup has errgroup.Group's shape: Go starts f in a goroutine of the
// group's own method, which keeps the first error. It stands in for
// golang.org/x/sync/errgroup so that this package's tests need no module
// beyond the standard library; examples/errgroupcancel runs the real one.
type taskGroup struct {
	wg   sync.WaitGroup
	once sync.Once
	err  error
}

// Go runs f in a new goroutine, as errgroup.Group.Go does.
func (g *taskGroup) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.once.Do(func() { g.err = err })
		}
	}()
}

// newGroupWorker starts a worker through a group and returns without
// waiting for it.
func newGroupWorker() *taskGroup {
	g := new(taskGroup)
	g.Go(func() error { blockedGroupWorker(); return nil })
	return g
}

func blockedGroupWorker() { <-helperBlock }

func TestHelperLeakConstructor(t *testing.T) {
	helperMode(t)
	_ = newPool()
	_ = newGroupWorker()
}

// leakInSubtest is the goroutine body the table below leaks for one case.
func leakInSubtest() { <-helperBlock }

func startSubtestLeak() { go leakInSubtest() }

func TestHelperLeakSubtest(t *testing.T) {
	helperMode(t)
	for i := range 6 {
		t.Run(fmt.Sprintf("case_%d", i), func(t *testing.T) {
			logRun(t)
			if i == 3 {
				startSubtestLeak()
			}
		})
	}
}

// leakInNested is the goroutine body leaked two subtest levels down.
func leakInNested() { <-helperBlock }

func TestHelperLeakNestedSubtest(t *testing.T) {
	helperMode(t)
	for _, outer := range []string{"a", "b", "c"} {
		t.Run(outer, func(t *testing.T) {
			for _, inner := range []string{"x", "y"} {
				t.Run(inner, func(t *testing.T) {
					if outer == "b" && inner == "y" {
						var wg sync.WaitGroup
						wg.Go(leakInNested)
					}
				})
			}
		})
	}
}

// leakInPair is leaked only when the subtests "arm" and "fire" both run.
func leakInPair() { <-helperBlock }

func TestHelperLeakPair(t *testing.T) {
	helperMode(t)
	armed := false
	t.Run("arm", func(t *testing.T) { armed = true })
	t.Run("other", func(t *testing.T) {})
	t.Run("fire", func(t *testing.T) {
		if armed {
			startParallelWork(leakInPair)
		}
	})
	t.Run("last", func(t *testing.T) {})
}

// leakInBody is started by the body of a test that also has subtests.
func leakInBody() { <-helperBlock }

func startBodyLeak() { go leakInBody() }

func TestHelperLeakBodyWithSubtests(t *testing.T) {
	helperMode(t)
	t.Run("first", func(t *testing.T) {})
	startBodyLeak()
	t.Run("second", func(t *testing.T) {})
}

// parallelLeakA and parallelLeakB are the goroutines two parallel tests
// leak; parallelClean is started and stopped by a third.
func parallelLeakA() { <-helperBlock }
func parallelLeakB() { <-helperBlock }

func startParallelWork(f func()) { go f() }

func TestHelperParallelA(t *testing.T) {
	helperMode(t)
	t.Parallel()
	startParallelWork(parallelLeakA)
}

func TestHelperParallelB(t *testing.T) {
	helperMode(t)
	t.Parallel()
	var wg sync.WaitGroup
	// A goroutine of the test starts the leak, and returns.
	wg.Go(func() { startParallelWork(parallelLeakB) })
	wg.Wait()
}

func TestHelperParallelClean(t *testing.T) {
	helperMode(t)
	t.Parallel()
	p := park()
	p.stop()
}

// TestHelperCalledByTRunner fails when something sits between the testing
// package's runner and the test function: tests that count stack frames
// (a logger's caller-skip tests) would break under VerifyTestMain.
func TestHelperCalledByTRunner(t *testing.T) {
	helperMode(t)
	pc, _, _, ok := runtime.Caller(1)
	if f := runtime.FuncForPC(pc); !ok || f == nil || f.Name() != "testing.tRunner" {
		t.Errorf("the test function is called by %v, not testing.tRunner", f.Name())
	}
}

// runHelperArgs runs this test binary again in the given helper mode with
// the arguments, and GODEBUG cleared of anything that keeps creators'
// stacks, so the naming cannot lean on it.
func runHelperArgs(t *testing.T, mode string, args ...string) (int, string) {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GODEBUG=") {
			env = append(env, kv)
		}
	}
	return runTestBinary(t, append(env, helperEnv+"="+mode), append([]string{"-test.count=1", "-test.v"}, args...)...)
}

// testsOfGroup returns the "test:" line of the last report group whose
// text mentions fn, or "" when no group names a test: VerifyTestMain's
// report comes first, with the names known then, and the names found by
// running parts of the tests again follow it.
func testsOfGroup(out, fn string) string {
	found := ""
	for _, block := range strings.Split(out, "\n#") {
		if !strings.Contains(block, fn) {
			continue
		}
		for line := range strings.Lines(block) {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "test: "); ok {
				found, _, _ = strings.Cut(rest, " · ")
				break
			}
		}
	}
	return found
}

// TestVerifyTestMainNamesTests checks that VerifyTestMain names the test
// behind leaks started by the test, a helper that returned, constructors
// using sync.WaitGroup.Go and an errgroup-shaped group, subtests, and parallel shuffled
// tests, with no GODEBUG in the environment.
func TestVerifyTestMainNamesTests(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		want   map[string]string // goroutine function → the report's test line
		absent []string          // goroutine functions that must not be reported
	}{
		{
			name: "(a) by the test",
			args: []string{"-test.run=^TestHelperLeakDirect$"},
			want: map[string]string{"TestHelperLeakDirect.func1": "TestHelperLeakDirect"},
		},
		{
			name: "(b) by a helper that returned",
			args: []string{"-test.run=^TestHelperLeakViaHelper$"},
			want: map[string]string{"startBackgroundWork.func1": "TestHelperLeakViaHelper"},
		},
		{
			name: "(c) by constructors through WaitGroup.Go and a group's Go",
			args: []string{"-test.run=^TestHelperLeakConstructor$"},
			want: map[string]string{
				"blockedWorker":      "TestHelperLeakConstructor",
				"blockedGroupWorker": "TestHelperLeakConstructor",
			},
		},
		{
			name: "(d) by a subtest",
			args: []string{"-test.run=^TestHelperLeakSubtest$"},
			want: map[string]string{"leakInSubtest": "TestHelperLeakSubtest/case_3"},
		},
		{
			name: "(d) by a nested subtest",
			args: []string{"-test.run=^TestHelperLeakNestedSubtest$"},
			want: map[string]string{"leakInNested": "TestHelperLeakNestedSubtest/b/y"},
		},
		{
			name: "(d) by two subtests together",
			args: []string{"-test.run=^TestHelperLeakPair$"},
			want: map[string]string{"leakInPair": "one of TestHelperLeakPair/arm, TestHelperLeakPair/fire"},
		},
		{
			name: "(d) by the body of a test with subtests",
			args: []string{"-test.run=^TestHelperLeakBodyWithSubtests$"},
			want: map[string]string{"leakInBody": "TestHelperLeakBodyWithSubtests"},
		},
		{
			name: "(e) by parallel shuffled tests",
			args: []string{"-test.run=^TestHelperParallel", "-test.shuffle=on", "-test.count=3"},
			want: map[string]string{
				"parallelLeakA": "TestHelperParallelA",
				"parallelLeakB": "TestHelperParallelB",
			},
		},
		{
			name:   "the user's -test.skip still skips",
			args:   []string{"-test.run=^TestHelperParallel", "-test.skip=^TestHelperParallelB$"},
			want:   map[string]string{"parallelLeakA": "TestHelperParallelA"},
			absent: []string{"parallelLeakB"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each case is a process of its own, mostly waiting on its
			// start, settling and probe runs: the cases overlap.
			t.Parallel()
			code, out := runHelperArgs(t, modeVerifyMain, tt.args...)
			if code != 1 {
				t.Errorf("exit code %d, want 1", code)
			}
			if strings.Contains(out, "could not be tied to a test") {
				t.Error("the report gives up on naming a test")
			}
			for fn, want := range tt.want {
				if got := testsOfGroup(out, fn); got != want {
					t.Errorf("the group of %s names %q, want %q", fn, got, want)
				}
			}
			for _, fn := range tt.absent {
				if strings.Contains(out, fn) {
					t.Errorf("%s is reported", fn)
				}
			}
			if t.Failed() {
				t.Logf("output:\n%s", out)
			}
		})
	}
}

// TestPassedArgs checks which arguments of the test binary a probe run
// passes on: the user's flags and harmless test flags, never the ones that
// would write files, repeat tests or change what runs.
func TestPassedArgs(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nothing", nil, nil},
		{"kept", []string{"-test.short", "-test.parallel=8", "-update", "-db=x"}, []string{"-test.short", "-test.parallel=8", "-update", "-db=x"}},
		{"timeout set by the probe", []string{"-test.timeout=10m", "-test.short"}, []string{"-test.short"}},
		{"dropped with values", []string{"-test.run=^TestA$", "-test.coverprofile=c.out", "-test.count=3", "-test.testlogfile=/tmp/l"}, nil},
		{"dropped, value apart", []string{"-test.run", "^TestA$", "-test.short"}, []string{"-test.short"}},
		{"dropped booleans keep the next argument", []string{"-test.v", "-test.failfast", "-flag"}, []string{"-flag"}},
		{"verbose for test2json", []string{"-test.v=test2json", "-test.paniconexit0"}, []string{"-test.paniconexit0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := passedArgs(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("passedArgs(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
