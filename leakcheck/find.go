package leakcheck

import (
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"

	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// Find, VerifyNone and VerifyTestMain have the names, arguments and meaning
// of their goleak namesakes, so moving from goleak is a change of import
// path. Unlike Check they look at every goroutine of the process, so they
// cannot tell parallel tests apart; prefer Check in new tests.

// TestingT is the part of testing.TB that VerifyNone uses; *testing.T,
// *testing.B and *testing.F satisfy it.
type TestingT interface {
	Error(args ...any)
}

// LeakError is the error Find returns when goroutines are left running. Use
// errors.As to reach the Report, for example to write it in another format.
type LeakError struct {
	// Report explains the goroutines left running.
	Report *report.Report
	// Note adds a remark about the check, "" when there is none.
	Note string
}

// Error returns the report as text.
func (e *LeakError) Error() string {
	msg := fmt.Sprintf("leakcheck: %s still running:\n%s", words.Plural(e.Report.Total, "goroutine"), reportText(e.Report))
	if e.Note != "" {
		msg += "\n" + e.Note
	}
	return msg
}

// Find looks for goroutines other than the caller's that are still running,
// waiting for finishing ones as Check does, and returns a *LeakError that
// explains them, or nil. Default ignores (runtime, testing package, signal
// handling, trace readers) and the given options apply; Cleanup is refused.
func Find(opts ...Option) error {
	pc, _, _, _ := runtime.Caller(1)
	cfg := newConfig(opts)
	if cfg.cleanup != nil {
		return errors.New("leakcheck: Cleanup works with VerifyNone and VerifyTestMain, not with Find")
	}
	return find(cfg, packageOfPC(pc), nil)
}

// VerifyNone fails t if Find reports goroutines still running, with the
// report as the error. Like goleak's, it looks at the whole process, so it
// must not be used in tests that run in parallel with others; Check does
// the same job per test and works with t.Parallel. A Cleanup option runs
// afterwards with exit code 0.
//
// Goroutines an earlier failing check already reported (VerifyNone in an
// earlier test, or a Check) do not fail t again: when t has a Name, the
// test's log says they are left over from that test, and a goroutine t
// fails for is recorded for the checks that come after, VerifyTestMain's
// included.
func VerifyNone(t TestingT, opts ...Option) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	pc, _, _, _ := runtime.Caller(1)
	cfg := newConfig(opts)
	cleanup := cfg.cleanup
	cfg.cleanup = nil
	named, _ := t.(interface{ Name() string })
	var leftOver map[string]int
	if named != nil {
		leftOver = map[string]int{}
	}
	err := find(cfg, packageOfPC(pc), leftOver)
	if logger, ok := t.(interface{ Logf(string, ...any) }); ok {
		for _, test := range slices.Sorted(maps.Keys(leftOver)) {
			logger.Logf("%s", leftOverNote(leftOver[test], test))
		}
	}
	if err != nil {
		t.Error(err)
		var le *LeakError
		if named != nil && errors.As(err, &le) {
			noteReported(named.Name(), le.Report)
		}
	}
	if cleanup != nil {
		cleanup(0)
	}
}

// leftOverNote says that n goroutines an earlier check failed test for are
// still running, and fail nothing more.
func leftOverNote(n int, test string) string {
	return fmt.Sprintf("leakcheck: %s left over from %s, already reported, not failing again.", words.Plural(n, "goroutine"), test)
}

// find is Find after the options are settled. With leftOver non-nil, the
// goroutines a failing check already reported are left out and counted
// there by the test that reported them.
func find(cfg *config, pkg string, leftOver map[string]int) error {
	if len(cfg.errs) > 0 {
		return fmt.Errorf("leakcheck: %w", errors.Join(cfg.errs...))
	}
	lk := &processLooker{cfg: cfg, self: profile.CurrentID(), leftOver: leftOver}
	v, err := settle(cfg, lk)
	if err != nil {
		return fmt.Errorf("leakcheck: cannot look for leaked goroutines: %w", err)
	}
	title := "goroutines still running"
	if pkg != "" {
		title += " in " + pkg
	}
	out := judge(cfg, v, report.Options{Title: title, Package: pkg, ModuleRoot: moduleRoot(), NoSource: cfg.noSource})
	// Find has no log: reports that do not fail are left to the report
	// files, and a problem writing them becomes the error.
	var to errorAudience
	fail := deliver(cfg, pkg, out, &to, intros{})
	switch {
	case fail == nil && to.err != nil:
		return fmt.Errorf("leakcheck: %w", to.err)
	case fail == nil:
		return nil
	case to.err != nil:
		return fmt.Errorf("leakcheck: %w (and goroutines are still running:\n%s)", to.err, reportText(fail))
	}
	return &LeakError{Report: fail, Note: out.note}
}

// errorAudience keeps the first problem of a check for its error value and
// drops the reports that do not fail.
type errorAudience struct{ err error }

func (a *errorAudience) note(string, *report.Report) {}

func (a *errorAudience) problem(err error) {
	if a.err == nil {
		a.err = err
	}
}

// processLooker looks at every goroutine of the process but the caller's
// and those it was told existed before.
type processLooker struct {
	cfg    *config
	self   int64
	before map[int64]bool
	// leftOver, when not nil, receives the goroutines a failing check
	// already reported, counted by its test, instead of the survivors.
	leftOver map[string]int
}

// over has no cheap form here: only a full capture can leave out the
// caller and the goroutines that existed before.
func (p *processLooker) over() bool { return false }

func (p *processLooker) survivors(s *profile.Snapshot) []report.Leak {
	tie := newTestTie(s)
	var leaks []report.Leak
	clear(p.leftOver) // each look counts afresh
	for _, g := range s.Goroutines {
		if g.ID == p.self || p.before[g.ID] || p.cfg.ignored(g) {
			continue
		}
		if p.leftOver != nil {
			if test := reportedBy(g.ID); test != "" {
				p.leftOver[test]++
				continue
			}
		}
		test, how := tie.of(g)
		leaks = append(leaks, report.Leak{Goroutine: g, Test: test, Attribution: how})
	}
	return leaks
}
