package leakcheck

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// The differential test: random goroutine programs (program_test.go), each
// run as a test under Check, and, on the same goroutines, under
// Find(IgnoreCurrent()), which looks at the whole process as goleak's
// VerifyNone(IgnoreCurrent()) does (interop/leakcheck holds the two side by
// side). Check must report exactly the goroutines the program left
// blocked, and every goroutine Find reports that the test started must be
// among them. A parallel mode
// runs programs as parallel subtests, each with its own Check.
//
//	go test ./leakcheck/ -run TestDifferential -seeds=300 -pseeds=1000
//	go test ./leakcheck/ -run TestDifferential -seed=1234 -v   # one program, printed
//
// -seeds counts the programs run one at a time, -pseeds those run
// as parallel subtests; -firstseed moves both ranges.
//
// A failing program prints its seed and itself; -seed runs it again.
var (
	diffSeeds  = flag.Int("seeds", 25, "differential test: programs run one at a time")
	diffPSeeds = flag.Int("pseeds", 100, "differential test: programs run as parallel subtests")
	diffFirst  = flag.Int64("firstseed", 1, "differential test: the first seed")
	diffSeed   = flag.Int64("seed", 0, "differential test: run only this seed (0: run -seeds programs)")
)

// diffBudget is the settle budget of the checks of the differential test.
// Programs that leak wait it out (their goroutines block on what the
// program holds, which the runtime cannot prove leaked); goroutines that
// finish late are told apart from leaks by the truth, not by timing.
const diffBudget = 40 * time.Millisecond

// diffSeedList returns the n seeds of one mode; offset keeps the modes'
// programs apart.
func diffSeedList(n int, offset int64) []int64 {
	if *diffSeed != 0 {
		return []int64{*diffSeed}
	}
	list := make([]int64, n)
	for i := range list {
		list[i] = *diffFirst + offset + int64(i)
	}
	return list
}

// goroutineInfo is the truth about one goroutine of a program.
type goroutineInfo struct {
	desc     string
	leak     bool // the test started it and it is blocked when checked
	finisher bool // the test started it and it finishes: may be seen late
	labelled bool // it kept the test's label (no relabelling, no timer)
	gap      string
}

// truthOf lists the goroutines of the body by ID.
func truthOf(p *program) map[int64]goroutineInfo {
	truth := make(map[int64]goroutineInfo)
	for i, top := range p.body {
		path := map[*node]string{top: fmt.Sprintf("body[%d]", i)}
		viaTimer := map[*node]bool{}
		top.walk(!p.bodyInDo, func(n *node, labelled bool) {
			for j, k := range n.kids {
				path[k] = fmt.Sprintf("%s.%d", path[n], j)
				viaTimer[k] = viaTimer[n] || k.how == byAfterFunc || k.how == byContextFunc
			}
			if n.how == byAfterFunc || n.how == byContextFunc {
				viaTimer[n] = true
			}
			// Only a sleeper ends by itself: one that has returned was
			// not left running when the check ended.
			leak := n.end.blocks() && !(n.end == endSleep && n.done.Load())
			gi := goroutineInfo{
				desc:     fmt.Sprintf("%s %s", path[n], n),
				leak:     leak,
				finisher: !leak,
				labelled: labelled,
			}
			switch {
			case viaTimer[n]:
				gi.gap = "timer"
			case !labelled:
				gi.gap = "unlabelled"
			}
			truth[n.id.Load()] = gi
		})
	}
	return truth
}

// knownGaps are kinds of mismatch the differential test reports without
// failing, each with the reason. It is empty: every mismatch fails. It
// stays so that a limit found later can be written down with its reason
// while it is fixed, instead of silencing the test.
var knownGaps = map[string]string{}

// mismatch is one disagreement with the truth.
type mismatch struct {
	gap string // a key of knownGaps, or ""
	msg string
}

// runsOf is what the two arms reported for one program.
type runsOf struct {
	check map[int64]*profile.Goroutine // failing the check
	noted map[int64]*profile.Goroutine // shown without failing
	find  map[int64]*profile.Goroutine
}

func idsOf(leaks []report.Leak) map[int64]*profile.Goroutine {
	m := make(map[int64]*profile.Goroutine, len(leaks))
	for _, l := range leaks {
		m[l.Goroutine.ID] = l.Goroutine
	}
	return m
}

func reportIDs(r *report.Report) map[int64]*profile.Goroutine {
	m := make(map[int64]*profile.Goroutine)
	if r == nil {
		return m
	}
	for _, g := range r.Groups {
		for _, id := range g.IDs {
			m[id] = g.Stack
		}
	}
	return m
}

// isSignalCtx reports whether g is the goroutine signal.NotifyContext starts.
func isSignalCtx(g *profile.Goroutine) bool {
	return g != nil && hasFunction(g.Frames, "os/signal.NotifyContext.func1")
}

// runSequential runs p as one test under both arms at once: the arms look
// at the same goroutines, Check on the test goroutine, Find on goroutines
// started before the program (so each leaves the other out).
func runSequential(t *testing.T, p *program) []mismatch {
	w, err := newWorld()
	if err != nil {
		t.Fatal(err)
	}
	go2 := make(chan struct{})
	var runs runsOf
	var armsDone sync.WaitGroup
	armsDone.Add(1)
	var ours Option
	ready := make(chan struct{})
	var findErr error
	go func() {
		defer armsDone.Done()
		<-ready
		<-go2
		findErr = Find(ours, SettleBudget(diffBudget), NoSource())
	}()

	burst := &node{how: goWithArg, end: endChanRecv}
	jobs := make([]*node, len(p.pool))
	for i, e := range p.pool {
		jobs[i] = &node{end: e}
	}
	w.startBefore(p, burst)
	ours = IgnoreCurrent()
	close(ready)

	ft, tc := startCheck(t, fmt.Sprintf("TestProgram%d", p.seed), SettleBudget(diffBudget), NoSource())
	w.runBody(p, jobs)
	close(go2)
	ft.runCleanups()
	armsDone.Wait()
	runs.check = idsOf(tc.result.leaks)
	runs.noted = idsOf(tc.result.orphans.shown)
	runs.find = map[int64]*profile.Goroutine{}
	var le *LeakError
	if errors.As(findErr, &le) {
		runs.find = reportIDs(le.Report)
	} else if findErr != nil {
		t.Errorf("seed %d: Find: %v", p.seed, findErr)
	}
	truth := truthOf(p)
	out := compareSequential(p, w, truth, runs)
	w.releaseAll()
	return out
}

// compareSequential holds both arms' reports against the truth.
func compareSequential(p *program, w *world, truth map[int64]goroutineInfo, runs runsOf) []mismatch {
	var out []mismatch
	add := func(gap, format string, args ...any) {
		out = append(out, mismatch{gap: gap, msg: fmt.Sprintf(format, args...)})
	}
	for _, id := range slices.Sorted(mapsKeys(truth)) {
		gi := truth[id]
		if !gi.leak {
			continue
		}
		if runs.check[id] == nil {
			add(gi.gap, "Check missed goroutine %d: %s", id, gi.desc)
		}
		if runs.find[id] == nil {
			add(gi.gap, "Find missed goroutine %d: %s", id, gi.desc)
		}
	}
	signalSeen := false
	for _, id := range slices.Sorted(mapsKeys(runs.check)) {
		g := runs.check[id]
		if isSignalCtx(g) {
			signalSeen = true
			if p.signalCtx == 0 {
				add("", "Check blamed a signal.NotifyContext goroutine %d the program did not start", id)
			}
			continue
		}
		if gi, ok := truth[id]; ok && (gi.leak || gi.finisher) {
			continue
		}
		gap, what := "", "a goroutine the test did not start"
		if _, ok := w.notOurs.Load(id); ok {
			what = "a goroutine started before Check"
		}
		add(gap, "Check blamed goroutine %d, %s: %s", id, what, describe(g))
	}
	if p.signalCtx == 2 && !signalSeen {
		add("signal", "Check missed the goroutine of signal.NotifyContext, never stopped")
	}
	for _, id := range slices.Sorted(mapsKeys(runs.find)) {
		if _, ok := w.notOurs.Load(id); ok {
			continue
		}
		if gi, ok := truth[id]; ok && gi.finisher {
			continue
		}
		if runs.check[id] != nil {
			continue
		}
		gap := ""
		if gi, ok := truth[id]; ok {
			gap = gi.gap
		} else if g := runs.find[id]; g != nil && (isSignalCtx(g) || isMachinery(g)) {
			if isMachinery(g) {
				continue
			}
			gap = "signal"
		}
		add(gap, "Find reported goroutine %d, Check did not: %s", id, describe(runs.find[id]))
	}
	return out
}

func mapsKeys[V any](m map[int64]V) func(func(int64) bool) {
	return func(yield func(int64) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// describe says in a line what a reported goroutine is.
func describe(g *profile.Goroutine) string {
	if g == nil {
		return "(not in the report)"
	}
	top, _ := topFunction(g.Frames)
	s := fmt.Sprintf("[%s] %s", g.State, top)
	if g.CreatedBy != nil {
		s += ", created by " + g.CreatedBy.Func
	}
	return s
}

// judgeMismatches fails t for every mismatch not marked as a known gap, and
// logs the known ones; tally counts the known ones by gap.
func judgeMismatches(t *testing.T, p *program, ms []mismatch, tally map[string]int) {
	t.Helper()
	for _, m := range ms {
		if _, ok := knownGaps[m.gap]; ok {
			tally[m.gap]++
		}
	}
	var fail, known []string
	for _, m := range ms {
		if reason, ok := knownGaps[m.gap]; ok && m.gap != "" {
			known = append(known, m.msg+" (known: "+reason+")")
		} else {
			fail = append(fail, m.msg)
		}
	}
	if len(fail) > 0 {
		t.Errorf("%s  %s\n  rerun: go test ./leakcheck/ -run 'TestDifferential' -seed=%d -v", p, strings.Join(fail, "\n  "), p.seed)
	}
	if len(known) > 0 && testing.Verbose() {
		if len(known) > 3 {
			known = append(known[:3], fmt.Sprintf("and %d more", len(known)-3))
		}
		t.Logf("%s  %s", p, strings.Join(known, "\n  "))
	}
}

// TestDifferential runs random programs one at a time under Check and
// Find.
func TestDifferential(t *testing.T) {
	tally := map[string]int{}
	seeds := diffSeedList(*diffSeeds, 0)
	for _, seed := range seeds {
		p := generate(seed)
		if *diffSeed != 0 {
			t.Logf("%s", p)
		}
		judgeMismatches(t, p, runSequential(t, p), tally)
	}
	t.Logf("%d programs; known-gap mismatches: %v", len(seeds), tally)
}

// parallelGroup is how many programs run as parallel subtests at once.
const parallelGroup = 4

// TestDifferentialParallel runs random programs in groups, as parallel
// subtests of one parent, each with its own Check; every program's
// goroutines stay blocked until the whole group has been checked.
// Goroutines that kept the test's label must fail exactly their own test;
// the others (relabelled, started by timers) must fail their own test or
// the group's parent, as the owner of its subtests (orphans.go), and no
// other program's test: every leaked goroutine fails something that truly
// owns it, and no check fails for a goroutine of another program.
func TestDifferentialParallel(t *testing.T) {
	tally := map[string]int{}
	// unlabelled counts the leaked goroutines without the test's label by
	// what failed for them: their own test, or the group's parent.
	var unlabelled struct{ own, parent int }
	seeds := diffSeedList(*diffPSeeds, 1<<20)
	for start := 0; start < len(seeds); start += parallelGroup {
		group := seeds[start:min(start+parallelGroup, len(seeds))]
		runs := make([]*parallelRun, len(group))
		parent := newFakeTB(t, fmt.Sprintf("TestGroup%d", group[0]))
		t.Run("group", func(t *testing.T) {
			for i, seed := range group {
				t.Run(strconv.FormatInt(seed, 10), func(t *testing.T) {
					t.Parallel()
					runs[i] = runParallelProgram(t, parent, generate(seed))
				})
			}
		})
		for i, r := range runs {
			if r == nil {
				continue
			}
			judgeMismatches(t, r.p, compareParallel(runs, i, parent), tally)
			for id, gi := range r.truth {
				if !gi.leak || gi.labelled {
					continue
				}
				_, owner, _ := orphanCandidates(id)
				switch {
				case r.fail[id] != nil:
					unlabelled.own++
				case owner == parent.Name():
					unlabelled.parent++
				}
			}
		}
		for _, r := range runs {
			if r != nil {
				r.w.releaseAll()
			}
		}
	}
	t.Logf("unlabelled leaked goroutines: %d failed their own test, %d the group's parent", unlabelled.own, unlabelled.parent)
	t.Logf("%d programs; known-gap mismatches: %v", len(seeds), tally)
}

// parallelRun is one program of a parallel group, checked, still blocked.
type parallelRun struct {
	p     *program
	w     *world
	truth map[int64]goroutineInfo
	// fail are the goroutines the program's check failed for, as their
	// starter or, claiming no ownership, as one of their candidates.
	fail map[int64]*profile.Goroutine
	how  map[int64]string // attribution of the failing goroutines
}

func runParallelProgram(t *testing.T, parent *fakeTB, p *program) *parallelRun {
	w, err := newWorld()
	if err != nil {
		t.Error(err)
		return nil
	}
	burst := &node{how: goWithArg, end: endChanRecv}
	jobs := make([]*node, len(p.pool))
	for i, e := range p.pool {
		jobs[i] = &node{end: e}
	}
	w.startBefore(p, burst)
	ft := newFakeSubTB(t, parent, fmt.Sprintf("TestProgram%d", p.seed))
	tc := check(ft, "example.com/pkg", []Option{SettleBudget(diffBudget), NoSource()})
	if tc == nil {
		t.Fatalf("check did not start: %s", ft.errorText())
	}
	w.runBody(p, jobs)
	ft.runCleanups()
	pr := &parallelRun{
		p: p, w: w, truth: truthOf(p),
		fail: idsOf(tc.result.leaks),
		how:  map[int64]string{},
	}
	for _, l := range tc.result.leaks {
		pr.how[l.Goroutine.ID] = string(l.Attribution)
	}
	for _, l := range append(tc.result.orphans.asParent, tc.result.orphans.asCandidate...) {
		pr.fail[l.Goroutine.ID] = l.Goroutine
		pr.how[l.Goroutine.ID] = "one of several"
	}
	return pr
}

// compareParallel holds the verdict of runs[i] against its truth, the
// other programs' verdicts and the group's parent.
func compareParallel(runs []*parallelRun, i int, parent *fakeTB) []mismatch {
	r := runs[i]
	var out []mismatch
	add := func(gap, format string, args ...any) {
		out = append(out, mismatch{gap: gap, msg: fmt.Sprintf(format, args...)})
	}
	parentFailed := func(id int64) bool {
		_, owner, ok := orphanCandidates(id)
		return ok && owner == parent.Name() && parent.failed()
	}
	for _, id := range slices.Sorted(mapsKeys(r.truth)) {
		gi := r.truth[id]
		if !gi.leak {
			continue
		}
		for j, o := range runs {
			if j != i && o != nil && o.fail[id] != nil {
				add("", "program %d's check failed for goroutine %d of this program: %s", o.p.seed, id, gi.desc)
			}
		}
		switch {
		case r.fail[id] != nil:
		case gi.labelled:
			add("", "Check missed goroutine %d, which kept the test's label: %s", id, gi.desc)
		case !parentFailed(id):
			add("", "goroutine %d, without the test's label, failed neither its test nor the group's parent: %s", id, gi.desc)
		}
	}
	signalSeen := false
	for _, id := range slices.Sorted(mapsKeys(r.fail)) {
		g := r.fail[id]
		if isSignalCtx(g) {
			signalSeen = true
			if r.p.signalCtx == 0 {
				add("", "Check failed for a signal.NotifyContext goroutine %d of another program", id)
			}
			continue
		}
		if gi, ok := r.truth[id]; ok && (gi.leak || gi.finisher) {
			continue
		}
		add("", "Check failed for goroutine %d (tied by %q), not one this program started: %s", id, r.how[id], describe(g))
	}
	if r.p.signalCtx == 2 && !r.p.bodyInDo && !signalSeen {
		add("", "Check missed the goroutine of signal.NotifyContext, never stopped")
	}
	return out
}
