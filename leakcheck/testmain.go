package leakcheck

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// TestingM is the part of *testing.M that VerifyTestMain uses.
type TestingM interface {
	Run() int
}

// VerifyTestMain runs the tests of a package, then reports every goroutine
// that outlived them and exits non-zero if there is any. Call it from
// TestMain:
//
//	func TestMain(m *testing.M) {
//		leakcheck.VerifyTestMain(m)
//	}
//
// The report names the test that started each goroutine, with no GODEBUG
// and no Check in the tests: just before each top-level test starts,
// VerifyTestMain puts a LabelKey label naming it on the goroutine that
// starts it, as Check does, and the runtime hands the label down to the
// test's goroutine and every goroutine started from there, whoever wrote
// the go statement (a helper, a constructor, a library), so the name is
// exact under t.Parallel and -shuffle. Subtests share their parent's label;
// when a test that leaked ran subtests, VerifyTestMain runs parts of that
// test again in copies of the test binary to find the subtest that leaves
// the goroutine. A goroutine that lost the label (pprof.Do with
// context.Background()) is named by a go statement or a live creator in a
// test function, or by the creators' stacks the runtime keeps under
// GODEBUG=tracebackancestors=N. A goroutine nothing ties to a test (a
// time.AfterFunc callback, a finalizer's goroutine) is the one test's when
// one ran; otherwise the copies run its candidates apart: the tests whose
// Checks saw it appear, else every test that ran. When the test cannot be
// known, the report says so.
//
// The report is printed before any copy runs. The copies are bounded: at
// most 32, each with its own -test.timeout, a quarter of what is left of
// the user's (2 minutes each without one), keeping the user's -test.run
// below the levels they narrow and -test.skip; when they stop early the
// report says why. NoReruns, or LEAKHOUND_RERUNS=off in the environment,
// turns them off. A copy knows it is one from LEAKHOUND_PROBE, checked
// against a random token its parent wrote for it: set by hand, the
// variable is ignored.
//
// A goroutine a Check or VerifyNone already failed its test for is counted
// as reported by that test, not failed again.
//
// Goroutines that were running before the tests (started by init functions,
// package-level variables or TestMain) and still run at exit fail the
// package too, as with goleak, in a section of their own that says no test
// started them; IgnoreInitGoroutines leaves them out, and IgnoreKnown the
// well-known daemons of the named libraries. The check runs even when tests
// failed, since leaks often explain failures; SkipOnTestFailure turns that
// off. The process exits with the tests' exit code, or 1 when they passed
// but goroutines leaked; a Cleanup option receives that code instead of
// os.Exit. Called after m.Run, it runs nothing and exits 1 saying so.
func VerifyTestMain(m TestingM, opts ...Option) {
	pc, _, _, _ := runtime.Caller(1)
	cfg := newConfig(opts)
	exit := cfg.cleanup
	if exit == nil {
		exit = os.Exit
	}
	if ranBefore(m) {
		fmt.Fprintln(os.Stderr, runTwiceMsg)
		exit(1)
		return
	}
	exit(verifyMain(m, cfg, packageOfPC(pc), os.Stderr))
}

// rerunsEnv, set to "off" in the environment, turns off VerifyTestMain's
// runs of parts of the tests, as NoReruns does.
const rerunsEnv = "LEAKHOUND_RERUNS"

// verifyMain runs the tests and the check, writes what it found to w, and
// returns the exit code.
func verifyMain(m TestingM, cfg *config, pkg string, w io.Writer) int {
	if path, ok := probeTarget(w, cfg.env.probe); ok {
		return probeMain(m, cfg, path)
	}
	start := time.Now()
	reruns := !cfg.noReruns && cfg.env.reruns != "off"
	before := make(map[int64]bool)
	if s, err := cfg.look.full(); err != nil {
		fmt.Fprintf(w, "leakcheck: cannot list the goroutines running before the tests, so they are reported as the tests': %v\n", err)
	} else {
		for _, g := range s.Goroutines {
			before[g.ID] = true
		}
	}
	// The user's narrowing, before VerifyTestMain adds to -test.skip:
	// runs of parts of the tests keep it.
	userRun, userSkip := testFlag("test.run"), testFlag("test.skip")
	runs, err := cfg.hook.attach(m)
	if err != nil {
		warnNoHook(w, err)
	}
	verifyMainRunning.Store(true)
	code := m.Run()
	verifyMainRunning.Store(false)
	runs.done()
	if code != 0 && cfg.skipOnFailure {
		return code
	}
	for _, err := range cfg.errs {
		fmt.Fprintf(w, "leakcheck: %v\n", err)
		code = max(code, 1)
	}
	lk := &processLooker{cfg: cfg, self: profile.CurrentID()}
	if cfg.ignoreInit {
		lk.before = before
	}
	v, err := settle(cfg, lk)
	if err != nil {
		fmt.Fprintf(w, "leakcheck: cannot look for goroutines left by the tests: %v\n", err)
		return max(code, 1)
	}
	initV := v
	v.leaks, initV.leaks = splitInit(v.leaks, before)
	// Goroutines a Check failed a parent for, as one of its subtests: the
	// runs below may name the subtest.
	var shared []report.Leak
	for _, l := range v.leaks {
		if reportedBy(l.Goroutine.ID) != "" {
			shared = append(shared, l)
		}
	}
	var already map[string]int
	v.leaks, already = splitReported(v.leaks)
	for _, test := range slices.Sorted(maps.Keys(already)) {
		fmt.Fprintln(w, leftOverNote(already[test], test))
	}
	title := "goroutines left running by the tests"
	if pkg != "" {
		title += " of " + pkg
	}
	opts := report.Options{Title: title, Package: pkg, ModuleRoot: moduleRoot(), NoSource: cfg.noSource}
	out := judge(cfg, v, opts)
	// The report comes first, before any run of parts of the tests, so
	// that a run that hangs past -test.timeout loses nothing.
	fail := deliver(cfg, pkg, out, writerAudience{w}, intros{
		noted: "goroutines left running, not failing because of OnlyProvenLeaks:",
		known: "goroutines left running, all known leaks in the baseline, not failing:",
	})
	if fail != nil {
		fmt.Fprintf(w, "leakcheck: %s outlived the tests:\n%s\n", words.Plural(fail.Total, "goroutine"), reportText(fail))
		code = max(code, 1)
		if out.note != "" {
			fmt.Fprintln(w, "leakcheck: "+out.note)
		}
	}
	if reportInit(cfg, pkg, initV, w) {
		code = max(code, 1)
	}
	var toName []report.Leak
	if fail != nil {
		toName = v.leaks
	}
	if len(toName) == 0 && len(shared) == 0 {
		return code
	}
	var p *prober
	if reruns {
		p = newProber(start, userRun, userSkip)
	}
	n := nameLeaks(toName, shared, runs, p)
	if len(n.named) > 0 {
		nopts := opts
		nopts.Title = "the tests behind them"
		if r := buildReport(n.named, cfg, nopts); r != nil {
			fmt.Fprintf(w, "leakcheck: the tests behind %s of the report above:\n%s\n", words.Plural(r.Total, "goroutine"), reportText(r))
		}
	}
	if note := n.note(); note != "" {
		fmt.Fprintln(w, "leakcheck: "+note)
	}
	if left := unattributed(toName) - n.untiedNamed; left > 0 {
		fmt.Fprintf(w, "leakcheck: %d of them could not be tied to a test. To learn which test started each goroutine, "+
			"call leakcheck.Check(t) at the start of the tests, or run the tests with GODEBUG=tracebackancestors=10 "+
			"so the runtime keeps the stacks of their creators.\n", left)
	}
	return code
}

// testFlag returns the value of a test flag, "" when there is none.
func testFlag(name string) string {
	if !flag.Parsed() {
		// testing parses its flags in m.Run when TestMain has not;
		// parsing them here first is the same parse.
		flag.Parse()
	}
	if f := flag.Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}

// writerAudience carries VerifyTestMain's words to standard error.
type writerAudience struct{ w io.Writer }

func (a writerAudience) note(intro string, r *report.Report) {
	fmt.Fprintf(a.w, "leakcheck: %s\n%s\n", intro, reportText(r))
}

func (a writerAudience) problem(err error) { fmt.Fprintf(a.w, "leakcheck: %v\n", err) }

// unattributed counts the leaks not tied to a test.
func unattributed(leaks []report.Leak) int {
	n := 0
	for _, l := range leaks {
		if l.Test == "" {
			n++
		}
	}
	return n
}
