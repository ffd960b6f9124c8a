package leakcheck

import (
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"slices"

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
// the goroutine (only then, and at most a few dozen short runs). A goroutine
// that lost the label (pprof.Do with context.Background()) is named by a go
// statement or a live creator in a test function, or by the creators'
// stacks the runtime keeps under GODEBUG=tracebackancestors=N. When the
// test cannot be known, the report says so.
//
// A goroutine a Check already failed its test for is counted as reported by
// that test, not failed again.
//
// Goroutines that existed before the tests ran (started by init functions or
// by TestMain itself) are not reported. The check runs even when tests
// failed, since leaks often explain failures; SkipOnTestFailure turns that
// off. The process exits with the tests' exit code, or 1 when they passed
// but goroutines leaked; a Cleanup option receives that code instead of
// os.Exit.
func VerifyTestMain(m TestingM, opts ...Option) {
	pc, _, _, _ := runtime.Caller(1)
	cfg := newConfig(opts)
	exit := cfg.cleanup
	if exit == nil {
		exit = os.Exit
	}
	exit(verifyMain(m, cfg, packageOfPC(pc), os.Stderr))
}

// verifyMain runs the tests and the check, writes what it found to w, and
// returns the exit code.
func verifyMain(m TestingM, cfg *config, pkg string, w io.Writer) int {
	if path := cfg.env.probe; path != "" {
		return probeMain(m, cfg, path)
	}
	before := make(map[int64]bool)
	if s, err := cfg.look.full(); err != nil {
		fmt.Fprintf(w, "leakcheck: cannot list the goroutines running before the tests, so they may be reported too: %v\n", err)
	} else {
		for _, g := range s.Goroutines {
			before[g.ID] = true
		}
	}
	runs, err := cfg.hook.attach(m)
	if err != nil {
		warnNoHook(w, err)
	}
	code := m.Run()
	runs.done()
	if code != 0 && cfg.skipOnFailure {
		return code
	}
	for _, err := range cfg.errs {
		fmt.Fprintf(w, "leakcheck: %v\n", err)
		code = max(code, 1)
	}
	lk := &processLooker{cfg: cfg, self: profile.CurrentID(), before: before}
	v, err := settle(cfg, lk)
	if err != nil {
		fmt.Fprintf(w, "leakcheck: cannot look for goroutines left by the tests: %v\n", err)
		return max(code, 1)
	}
	var already map[string]int
	v.leaks, already = splitReported(v.leaks)
	for _, test := range slices.Sorted(maps.Keys(already)) {
		fmt.Fprintf(w, "leakcheck: %s left running, already reported by %s, not failing again.\n", words.Plural(already[test], "goroutine"), test)
	}
	var subNote string
	if runs != nil {
		subNote = nameSubtests(v.leaks, runs, newProber())
	}
	title := "goroutines left running by the tests"
	if pkg != "" {
		title += " of " + pkg
	}
	out := judge(cfg, v, report.Options{Title: title, Package: pkg, ModuleRoot: moduleRoot(), NoSource: cfg.noSource})
	fail := deliver(cfg, pkg, out, writerAudience{w}, intros{
		noted: "goroutines left running, not failing because of OnlyProvenLeaks:",
		known: "goroutines left running, all known leaks in the baseline, not failing:",
	})
	if fail == nil {
		return code
	}
	fmt.Fprintf(w, "leakcheck: %s outlived the tests:\n%s\n", words.Plural(fail.Total, "goroutine"), reportText(fail))
	if subNote != "" {
		fmt.Fprintln(w, "leakcheck: "+subNote)
	}
	if n := unattributed(v.leaks); n > 0 {
		fmt.Fprintf(w, "leakcheck: %d of them could not be tied to a test. To learn which test started each goroutine, "+
			"call leakcheck.Check(t) at the start of the tests, or run the tests with GODEBUG=tracebackancestors=10 "+
			"so the runtime keeps the stacks of their creators.\n", n)
	}
	if out.note != "" {
		fmt.Fprintln(w, "leakcheck: "+out.note)
	}
	return max(code, 1)
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
