package leakcheck

import (
	"fmt"
	"io"
	"os"
	"runtime"

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
// The report names the test that started each goroutine where that can be
// known: by label for tests that use Check or Wrap, otherwise by the go
// statement that created it or by a live goroutine up its creator chain
// sitting in a test function, or by the creators' stacks the runtime keeps
// when GODEBUG=tracebackancestors=N is set. When it cannot be known, the
// report says so and how to learn it.
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
	before := make(map[int64]bool)
	if s, err := cfg.look.full(); err != nil {
		fmt.Fprintf(w, "leakcheck: cannot list the goroutines running before the tests, so they may be reported too: %v\n", err)
	} else {
		for _, g := range s.Goroutines {
			before[g.ID] = true
		}
	}
	code := m.Run()
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
	title := "goroutines left running by the tests"
	if pkg != "" {
		title += " of " + pkg
	}
	out := judge(cfg, v, report.Options{Title: title, Package: pkg, ModuleRoot: moduleRoot(), NoSource: cfg.noSource})
	if out.noted != nil {
		fmt.Fprintf(w, "leakcheck: goroutines left running, not failing because of OnlyProvenLeaks:\n%s\n", reportText(out.noted))
	}
	if out.known != nil {
		fmt.Fprintf(w, "leakcheck: goroutines left running, all known leaks in the baseline, not failing:\n%s\n", reportText(out.known))
		if err := writeFiles(cfg, pkg, out.known); err != nil {
			fmt.Fprintf(w, "leakcheck: %v\n", err)
		}
	}
	if out.fail == nil {
		return code
	}
	fmt.Fprintf(w, "leakcheck: %s outlived the tests:\n%s\n", words.Plural(out.fail.Total, "goroutine"), reportText(out.fail))
	if n := unattributed(v.leaks); n > 0 {
		fmt.Fprintf(w, "leakcheck: %d of them could not be tied to a test. To learn which test started each goroutine, "+
			"call leakcheck.Check(t) at the start of the tests, or run the tests with GODEBUG=tracebackancestors=10 "+
			"so the runtime keeps the stacks of their creators.\n", n)
	}
	if out.note != "" {
		fmt.Fprintln(w, "leakcheck: "+out.note)
	}
	annotate(out.fail)
	if err := writeFiles(cfg, pkg, out.fail); err != nil {
		fmt.Fprintf(w, "leakcheck: %v\n", err)
	}
	return max(code, 1)
}

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
