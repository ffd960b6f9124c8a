package leakcheck

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// Goroutines started outside any test.
//
// Labels and creator chains tie a goroutine to the test whose goroutine
// started it. Some goroutines have no such chain: the runtime's timer starts
// the function of time.AfterFunc (and so the function of context.AfterFunc
// when a deadline passes), finalizers and cleanups run on the runtime's own
// goroutine, and a goroutine whose creator lost the label and has returned
// shows no creator at all. Such an orphan, new since Check and still there
// at the verdict, appeared while this check ran, so one of the tests whose
// checks ran at some moment of that time started it: this test or one of
// those it overlapped, its candidates. Every check that sees the same
// orphan narrows the candidates further (its own set holds the starter
// too, so the starter is in the intersection). The rule, most certain
// first, never silent and never naming a test that cannot be shown to own
// the goroutine:
//
//   - One candidate: the orphan is that test's. When it is this test, it
//     fails this test (attribution "alone"); when it is another whose check
//     is still running, that check will see it and fail.
//   - Candidates that share a parent test (a table's parallel subtests):
//     the parent owns every subtest, so the parent fails, with "one of its
//     subtests A, B, C leaked this". A parent with a check of its own
//     decides in that check; one without is failed through the testing
//     package, from the first subtest's check that sees the orphan.
//   - No shared parent, with VerifyTestMain in the package: the check only
//     logs the orphan ("appeared while A, B, C ran"), and VerifyTestMain
//     fails the package at the end, naming the test by running the
//     candidates apart (see testmain_subtest.go).
//   - No shared parent and no VerifyTestMain: each candidate's check that
//     sees it fails its test, worded to claim no ownership: "one of A, B, C
//     leaked this".
//
// Tests without a check are not candidates: an orphan a test without a
// check starts while one checked test runs alone is charged to that test.

// overlaps records which checks run at the same time as which.
type overlaps struct {
	mu      sync.Mutex
	running map[*testCheck]bool
}

// checks is the process's record: checks of parallel tests share it, which
// is its purpose; every access holds its lock.
var checks = &overlaps{running: make(map[*testCheck]bool)}

// enter records tc as running, overlapping every check running now.
func (o *overlaps) enter(tc *testCheck) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for other := range o.running {
		other.overlapped = append(other.overlapped, tc.test)
		tc.overlapped = append(tc.overlapped, other.test)
	}
	o.running[tc] = true
}

// leave records that tc has reached its verdict.
func (o *overlaps) leave(tc *testCheck) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.running, tc)
}

// alongside returns the tests whose checks have overlapped tc so far,
// sorted and without repeats.
func (o *overlaps) alongside(tc *testCheck) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	names := slices.Clone(tc.overlapped)
	slices.Sort(names)
	return slices.Compact(names)
}

// isRunning reports whether a check of the named test, other than tc, is
// running.
func (o *overlaps) isRunning(test string, tc *testCheck) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for other := range o.running {
		if other != tc && other.test == test {
			return true
		}
	}
	return false
}

// orphanBook is what the checks of this process learned about each orphan
// they saw, by goroutine ID: the candidates (narrowed by every check that
// saw it new) and the test failed for it. Checks of parallel tests share
// it, which is its purpose; every access holds its lock.
var orphanBook = struct {
	mu   sync.Mutex
	byID map[int64]*orphanFate
}{byID: make(map[int64]*orphanFate)}

// orphanFate is the book's entry for one orphan.
type orphanFate struct {
	candidates []string // sorted
	// owner is the test failed as its owner (the one candidate, or the
	// parent of all), "" while none is.
	owner string
	// failed is set once any check failed for it, owner or candidate.
	failed bool
	// asParent is set when owner was failed as the parent of all the
	// candidates, not knowing which subtest started it.
	asParent bool
}

// narrowOrphan records that a check saw orphan id new, with candidates
// cands, and returns the candidates narrowed by every check so far and
// the owner already failed for it.
func narrowOrphan(id int64, cands []string) (narrowed []string, fate orphanFate) {
	orphanBook.mu.Lock()
	defer orphanBook.mu.Unlock()
	f := orphanBook.byID[id]
	if f == nil {
		f = &orphanFate{candidates: cands}
		orphanBook.byID[id] = f
	} else if in := intersect(f.candidates, cands); len(in) > 0 {
		// Empty only when a test without a check started it in another
		// check's time: keep what is known rather than nothing.
		f.candidates = in
	}
	return slices.Clone(f.candidates), *f
}

// claimOrphan records owner as failed for orphan id; it reports false when
// a test was already failed for it as its owner. ID 0 (a dump without
// IDs) is never recorded.
func claimOrphan(id int64, owner string, asParent bool) bool {
	if id == 0 {
		return true
	}
	orphanBook.mu.Lock()
	defer orphanBook.mu.Unlock()
	f := orphanBook.byID[id]
	if f == nil {
		f = &orphanFate{}
		orphanBook.byID[id] = f
	}
	if f.owner != "" {
		return false
	}
	f.owner, f.failed, f.asParent = owner, true, asParent
	return true
}

// unclaimOrphan undoes claimOrphan when the owner could not be failed.
func unclaimOrphan(id int64) {
	orphanBook.mu.Lock()
	defer orphanBook.mu.Unlock()
	if f := orphanBook.byID[id]; f != nil {
		f.owner, f.failed, f.asParent = "", false, false
	}
}

// markOrphanFailed records that a candidate's check failed for orphan id.
func markOrphanFailed(id int64) {
	orphanBook.mu.Lock()
	defer orphanBook.mu.Unlock()
	if f := orphanBook.byID[id]; f != nil {
		f.failed = true
	}
}

// orphanCandidates returns what the checks learned about orphan id: its
// candidates and the test failed for it; ok is false when no check saw it.
func orphanCandidates(id int64) (cands []string, owner string, ok bool) {
	orphanBook.mu.Lock()
	defer orphanBook.mu.Unlock()
	f := orphanBook.byID[id]
	if f == nil {
		return nil, "", false
	}
	return slices.Clone(f.candidates), f.owner, true
}

// orphanParent returns the test a check failed for orphan id as the parent
// of its candidates, not knowing which subtest started it; "" when none.
func orphanParent(id int64) string {
	orphanBook.mu.Lock()
	defer orphanBook.mu.Unlock()
	if f := orphanBook.byID[id]; f != nil && f.asParent {
		return f.owner
	}
	return ""
}

// intersect returns the names in both sorted lists.
func intersect(a, b []string) []string {
	var out []string
	for _, n := range a {
		if _, ok := slices.BinarySearch(b, n); ok {
			out = append(out, n)
		}
	}
	return out
}

// verifyMainRunning is set while VerifyTestMain runs the tests: an orphan
// no check can settle is then left to it, and it fails the package.
var verifyMainRunning atomic.Bool

// orphanVerdict is what one check decided for the orphans it saw.
type orphanVerdict struct {
	// asParent fail this test as the parent of every candidate.
	asParent []report.Leak
	// asCandidate fail this test as one of several candidates, claiming no
	// ownership (no shared parent, no VerifyTestMain).
	asCandidate []report.Leak
	// shown are logged only: another test fails for them, or will, or
	// VerifyTestMain will.
	shown []report.Leak
	// parentCands, candidateCands and shownCands are the narrowed
	// candidates of the orphans above, and fates say, for shown, who
	// decides.
	parentCands, candidateCands, shownCands []string
	fates                                   []string
}

// placeOrphans applies the rule above to the survivors of tc's check, whose
// check overlapped the checks of others. It returns the leaks that stay
// this test's (labelled, tied by creator, or orphans it alone can have
// started) and decides the others; parentFail fails the parent test named
// with the orphans and their candidates, and reports whether it could.
func placeOrphans(tc *testCheck, leaks []report.Leak, others []string, parentFail func(parent string, ls []report.Leak, cands []string) bool) (kept []report.Leak, ov orphanVerdict) {
	var orphans []report.Leak
	for _, l := range leaks {
		if l.Attribution != byOrphan {
			kept = append(kept, l)
			continue
		}
		orphans = append(orphans, l)
	}
	if len(orphans) == 0 {
		return kept, ov
	}
	mine := append(slices.Clone(others), tc.test)
	slices.Sort(mine)
	mine = slices.Compact(mine)
	show := func(l report.Leak, cands []string, fate string) {
		ov.shown = append(ov.shown, shownLeak(l))
		ov.shownCands = appendNames(ov.shownCands, cands)
		ov.fates = append(ov.fates, fate)
	}
	toParent := make(map[string][]report.Leak)
	parentCands := make(map[string][]string)
	for _, l := range orphans {
		cands, fate := mine, orphanFate{}
		if l.Goroutine.ID != 0 {
			cands, fate = narrowOrphan(l.Goroutine.ID, mine)
		}
		_, ours := slices.BinarySearch(cands, tc.test)
		parent := commonParent(cands)
		switch {
		case fate.owner != "":
			show(l, cands, fate.owner+" failed for it")
		case !ours:
			// Another check showed that this test cannot have started it.
			what := "the checks of those tests decide"
			if fate.failed {
				what = "their checks failed for it"
			}
			show(l, cands, what)
		case len(cands) == 1:
			claimOrphan(l.Goroutine.ID, tc.test, false)
			l.Attribution = profile.ByAlone
			kept = append(kept, l)
		case parent == tc.test:
			l.Attribution = profile.ByParent
			ov.asParent = append(ov.asParent, l)
			ov.parentCands = appendNames(ov.parentCands, cands)
		case parent != "" && checks.isRunning(parent, tc):
			show(l, cands, parent+"'s check decides, as their parent")
		case parent != "":
			toParent[parent] = append(toParent[parent], l)
			parentCands[parent] = appendNames(parentCands[parent], cands)
		case verifyMainRunning.Load():
			show(l, cands, "VerifyTestMain reports it at the end")
		default:
			ov.asCandidate = append(ov.asCandidate, shownLeak(l))
			ov.candidateCands = appendNames(ov.candidateCands, cands)
		}
	}
	for _, parent := range slices.Sorted(mapKeys(toParent)) {
		var claimed []report.Leak
		for _, l := range toParent[parent] {
			if l.Goroutine.ID == 0 || claimOrphan(l.Goroutine.ID, parent, true) {
				l.Attribution = profile.ByParent
				l.Test = parent
				claimed = append(claimed, l)
			} else {
				show(l, parentCands[parent], parent+" failed for it, as their parent")
			}
		}
		if len(claimed) == 0 {
			continue
		}
		if parentFail(parent, claimed, parentCands[parent]) {
			for _, l := range claimed {
				show(l, parentCands[parent], parent+" failed for it, as their parent")
			}
			continue
		}
		// The parent cannot be reached: this candidate fails instead.
		for _, l := range claimed {
			unclaimOrphan(l.Goroutine.ID)
			ov.asCandidate = append(ov.asCandidate, shownLeak(l))
		}
		ov.candidateCands = appendNames(ov.candidateCands, parentCands[parent])
	}
	for _, l := range ov.asParent {
		claimOrphan(l.Goroutine.ID, tc.test, true)
	}
	for _, l := range ov.asCandidate {
		markOrphanFailed(l.Goroutine.ID)
	}
	return kept, ov
}

// shownLeak is an orphan as a log shows it: tied to no test.
func shownLeak(l report.Leak) report.Leak {
	l.Test, l.Attribution = "", ""
	return l
}

func appendNames(to, names []string) []string {
	to = append(to, names...)
	slices.Sort(to)
	return slices.Compact(to)
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// commonParent returns the test every name is, or is under: "TestT" for
// "TestT/a" and "TestT/b", and for "TestT" and "TestT/a"; "" when the
// names share no top-level test, or there is one name (it is its own).
func commonParent(names []string) string {
	if len(names) < 2 {
		return ""
	}
	common := strings.Split(names[0], "/")
	for _, n := range names[1:] {
		parts := strings.Split(n, "/")
		k := 0
		for k < len(common) && k < len(parts) && common[k] == parts[k] {
			k++
		}
		common = common[:k]
	}
	return strings.Join(common, "/")
}

// failParent fails the test named parent, an ancestor of t, with msg. A
// test double reaches its parent through leakcheckParent; a real test
// through the testing package's parent field, checked by name. It reports
// false when the parent cannot be reached.
func failParent(t testing.TB, parent, msg string) bool {
	for p, hops := parentOf(t), 0; p != nil && hops < maxChain; p, hops = parentOf(p), hops+1 {
		if p.Name() == parent {
			p.Errorf("%s", msg)
			return true
		}
		if !strings.HasPrefix(parent, p.Name()+"/") && p.Name() != "" {
			return false
		}
	}
	return false
}

// parentTB is implemented by test doubles that have a parent test.
type parentTB interface {
	leakcheckParent() testing.TB
}

// commonType is the testing package's common, the first (embedded) field
// of testing.T, whose field parent points to the parent test's common.
var commonType = func() reflect.Type {
	t := reflect.TypeFor[testing.T]()
	if t.NumField() == 0 || !t.Field(0).Anonymous || t.Field(0).Offset != 0 {
		return nil
	}
	return t.Field(0).Type
}()

// parentOf returns t's parent test, or nil. testing offers no way to it, so
// it is read from testing.T's embedded common: its parent field, when it
// is a pointer to a common. T, B and F all embed common first, so the
// parent's common is the start of its T (or B, or F), and the methods
// called on it (Name, Errorf) are common's own.
func parentOf(t testing.TB) testing.TB {
	if p, ok := t.(parentTB); ok {
		return p.leakcheckParent()
	}
	tt, ok := t.(*testing.T)
	if !ok || tt == nil || commonType == nil {
		return nil
	}
	f := reflect.ValueOf(tt).Elem().Field(0).FieldByName("parent")
	if !f.IsValid() || f.Kind() != reflect.Pointer || f.Type().Elem() != commonType || f.IsNil() {
		return nil
	}
	return (*testing.T)(unsafe.Pointer(f.Pointer()))
}

// parentMsg is the failure of the parent test for orphans that appeared
// while only it and its subtests (cands) ran.
func parentMsg(parent string, n int, cands []string) string {
	who := "one of its subtests "
	var subs []string
	for _, c := range cands {
		if c == parent {
			who = "this test or one of its subtests "
		} else {
			subs = append(subs, c)
		}
	}
	return fmt.Sprintf("leakcheck: %s%s leaked %s: started outside any test's goroutines (by a timer, a finalizer, or a goroutine that has returned), "+
		"it appeared while they ran, so it is this test's, and which subtest started it cannot be shown here. Run the subtests apart (-run), or use VerifyTestMain, which names the subtest.",
		who, strings.Join(subs, ", "), thisOrThese(n))
}

// candidateMsg is the failure of a candidate test, claiming no ownership.
func candidateMsg(n int, cands []string) string {
	return fmt.Sprintf("leakcheck: one of %s leaked %s: started outside any test's goroutines (by a timer, a finalizer, or a goroutine that has returned), "+
		"it appeared while they ran, and which of them started it cannot be shown, so each check that saw it fails. "+
		"Run the tests apart (-run) to have only the one that started it fail, or use VerifyTestMain, which names it.",
		strings.Join(cands, ", "), thisOrThese(n))
}

// shownMsg is the log line of orphans another test fails for, or will.
func shownMsg(n int, cands []string, fates []string) string {
	fates = slices.Clone(fates)
	slices.Sort(fates)
	return fmt.Sprintf("leakcheck: %s started outside any test's goroutines (by a timer, a finalizer, or a goroutine that has returned) appeared while %s ran; "+
		"which of them started %s cannot be shown here, and this test is not failed for %s: %s.",
		words.Plural(n, "goroutine"), strings.Join(cands, ", "), itOrThem(n), itOrThem(n), strings.Join(slices.Compact(fates), "; "))
}

func thisOrThese(n int) string {
	if n == 1 {
		return "this goroutine"
	}
	return fmt.Sprintf("these %d goroutines", n)
}

func itOrThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}
