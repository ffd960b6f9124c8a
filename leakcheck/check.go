package leakcheck

import (
	"reflect"
	"runtime"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// Check makes the test fail if, when it ends, a goroutine it started is
// still running. Call it first thing in a test, benchmark or fuzz target:
//
//	func TestServer(t *testing.T) {
//		leakcheck.Check(t)
//		...
//	}
//
// "Started by the test" means started by the test's goroutine, directly or
// through any chain of goroutines, even ones that have already returned, so
// the check is exact under t.Parallel: goroutines of other tests, and those
// that existed before the test, are never counted. A subtest that calls
// Check owns its goroutines; the goroutines of subtests that do not are
// their parent's.
//
// The check runs in a t.Cleanup registered by Check, so it comes after the
// cleanups the test registers later (closing servers, cancelling contexts).
// It gives finishing goroutines up to the settle budget (see SettleBudget)
// and reports the rest as a test error: grouped by where they block, with
// the reason, the go statement that started them and the fix. A failure to
// look at the goroutines is reported as a test error too.
//
// A Check that could not check anything fails the test saying why: a
// deferred one (it would run after the test body), and one called from a
// goroutine the test started. Check(nil) panics.
func Check(t testing.TB, opts ...Option) {
	if msg := misuse(t, 1); msg != "" {
		t.Helper()
		t.Errorf("%s", msg)
		return
	}
	t.Helper()
	pc, _, _, _ := runtime.Caller(1)
	check(t, packageOfPC(pc), opts)
}

// Wrap returns fn with Check called at its start, for subtests:
//
//	t.Run("cached", leakcheck.Wrap(func(t *testing.T) { ... }))
func Wrap(fn func(*testing.T), opts ...Option) func(*testing.T) {
	var pkg string
	if fn != nil {
		pkg = packageOfPC(reflect.ValueOf(fn).Pointer())
	}
	return func(t *testing.T) {
		t.Helper()
		check(t, pkg, opts)
		if fn != nil {
			fn(t)
		}
	}
}

// check starts a check of the calling test goroutine; it returns nil when
// the check could not start (the error is reported through t).
func check(t testing.TB, pkg string, opts []Option) *testCheck {
	t.Helper()
	cfg := newConfig(opts)
	for _, err := range cfg.errs {
		t.Errorf("leakcheck: %v", err)
	}
	tc := &testCheck{
		cfg:     cfg,
		test:    t.Name(),
		pkg:     pkg,
		label:   newLabelValue(t.Name()),
		testGID: profile.CurrentID(),
		prev:    ownLabels(),
	}
	// Recorded as running before the IDs are taken: a goroutine new to
	// this check appears after its look, and every check running at any
	// moment from that look to the verdict must be known to overlap it
	// (see orphans.go).
	checks.enter(tc)
	tc.created, tc.createdOK = goroutinesCreated()
	tc.before = idsAtCheck(cfg.look.ids, tc.testGID)
	setLabels(tc.prev, LabelKey, tc.label)
	t.Cleanup(func() {
		t.Helper()
		tc.finish(t)
	})
	return tc
}

// testCheck is the state of one Check, from the call to the cleanup.
type testCheck struct {
	cfg     *config
	test    string
	pkg     string
	label   string            // this run's LabelKey value
	testGID int64             // the goroutine Check was called on
	prev    map[string]string // that goroutine's labels before Check
	// before holds the IDs of every goroutine alive at Check, and maybe
	// of some that had exited (see baseline.go).
	before *idLook
	// created is how many goroutines the process had created when Check
	// was called, if createdOK.
	created   uint64
	createdOK bool
	// sawNew is set once a look found goroutines created since Check
	// other than the check's own; from then on only full captures can
	// tell whose they are.
	sawNew bool
	// pending is the traceback over() read the IDs of, when they showed a
	// goroutine new since Check: the next capture parses it instead of
	// taking another.
	pending *profile.Look
	// pendingCreated is the creation count read just before that
	// traceback, if pendingCreatedOK (see allProven).
	pendingCreated   uint64
	pendingCreatedOK bool
	selfGID          int64   // the goroutine running the cleanup
	result           verdict // the outcome, once finish has run
	// overlapped names the tests whose checks ran at some moment between
	// this Check and its verdict; guarded by checks.mu (see orphans.go).
	overlapped []string
}

// finish runs the check, in the test's cleanup.
func (tc *testCheck) finish(t testing.TB) {
	t.Helper()
	defer checks.leave(tc)
	tc.selfGID = profile.CurrentID()
	if tc.selfGID == tc.testGID {
		// Mark this goroutine while it looks (see checkingKey), and give
		// it back its own labels afterwards.
		setLabels(tc.prev, checkingKey, tc.label)
		defer setLabels(tc.prev)
	}
	v, err := settle(tc.cfg, tc)
	if err != nil {
		t.Errorf("leakcheck: cannot check %s for leaked goroutines: %v", tc.test, err)
		return
	}
	opts := report.Options{
		Title:      tc.test,
		Package:    tc.pkg,
		ModuleRoot: moduleRoot(),
		NoSource:   tc.cfg.noSource,
	}
	v.leaks, v.orphans = placeOrphans(tc, v.leaks, checks.alongside(tc), func(parent string, ls []report.Leak, cands []string) bool {
		popts := opts
		popts.Title = parent
		r := buildReport(ls, tc.cfg, popts)
		if r == nil {
			return true // every one of them is ignored
		}
		if !failParent(t, parent, parentMsg(parent, r.Total, cands)+"\n"+reportText(r)) {
			return false
		}
		noteReported(parent, r)
		return true
	})
	tc.result = v
	emit(t, tc.cfg, v, opts)
}

// over tells, from the IDs of the goroutines running now, whether no
// goroutine created since Check is alive: only such a goroutine can be the
// test's, so then the check is over; when some are, a full capture decides
// whose they are. The look is kept as the process's latest, for the next
// Check to stand on.
func (tc *testCheck) over() bool {
	if now, ok := goroutinesCreated(); ok && tc.createdOK && now == tc.created {
		// No goroutine was created anywhere since Check.
		return true
	}
	if tc.sawNew {
		return false
	}
	look, full := takeLook(tc.cfg.look)
	for _, id := range look.ids {
		if id != tc.testGID && id != tc.selfGID && !tc.before.has(id) {
			tc.sawNew = true
			// The same traceback, parsed, is the capture that follows.
			tc.pending = full
			tc.pendingCreated, tc.pendingCreatedOK = look.created, full != nil && tc.createdOK
			return false
		}
	}
	if full != nil {
		full.Release()
	}
	return true
}

// pendingLook hands the traceback over() kept, if any, to the next
// capture.
func (tc *testCheck) pendingLook() *profile.Look {
	l := tc.pending
	tc.pending = nil
	return l
}

// allProven reports whether the proof's aggregated records agg prove every
// survivor of the capture parsed from over()'s traceback: no goroutine was
// created since that traceback (so it holds every goroutine alive now),
// every survivor carries this check's label and was blocked, and the proof
// counts exactly as many leaked goroutines with the label. Then each of
// them is leaked, and no look after the proof is needed.
func (tc *testCheck) allProven(agg *profile.Snapshot, leaks []report.Leak) bool {
	ok := tc.pendingCreatedOK
	tc.pendingCreatedOK = false // only for the capture of that traceback
	if !ok || agg == nil {
		return false
	}
	if now, nowOK := goroutinesCreated(); !nowOK || now != tc.pendingCreated {
		return false
	}
	for _, l := range leaks {
		if l.Attribution != profile.ByLabel || isRunning(l.Goroutine) {
			return false
		}
	}
	n := 0
	for _, r := range agg.Goroutines {
		if r.Labels[LabelKey] == tc.label {
			n += r.Count
		}
	}
	return n == len(leaks)
}

// survivors picks the test's goroutines from a full capture.
func (tc *testCheck) survivors(s *profile.Snapshot) []report.Leak {
	o := newOwner(tc.label, tc.testGID, tc.before, s)
	var leaks []report.Leak
	for _, g := range s.Goroutines {
		if g.ID == tc.testGID || g.ID == tc.selfGID || tc.cfg.ignored(g) {
			continue
		}
		if how := o.of(g); how != "" {
			leaks = append(leaks, report.Leak{Goroutine: g, Test: tc.test, Attribution: how})
		}
	}
	return leaks
}

// packageOfPC returns the import path of the package of the function at pc,
// the package under test when pc is in a test; "" when unknown.
func packageOfPC(pc uintptr) string {
	f := runtime.FuncForPC(pc)
	if f == nil {
		return ""
	}
	return testedPackage(funcPackage(f.Name()))
}
