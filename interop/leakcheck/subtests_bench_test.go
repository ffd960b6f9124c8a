package leakcheck_test

import (
	"flag"
	"runtime"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/leakhound/leakhound/leakcheck"
)

// The clean check as users run it: real t.Run subtests, each starting and
// joining one goroutine, with the checkers' arms interleaved subtest by
// subtest in one process, so that load from other work on the machine falls
// on every arm alike. A benchmark has no *testing.T, so the subtests run
// under testing.RunTests, the function a test binary's main runs tests with.

// subtestArm is one way a subtest can be checked.
type subtestArm struct {
	name string
	// test is the subtest's function; it calls work once.
	test func(t *testing.T, work func())
	// before, if set, runs as a subtest of its own right before the
	// measured one, and is not measured.
	before func(t *testing.T, work func())
}

// subtestArms are the arms of the subtest benchmark; bare, the subtest with
// no check, comes first, and the cost of an arm is its time above bare's.
func subtestArms(once goleak.Option, n int) []subtestArm {
	stackBuf := make([]byte, 1<<20+n*1024)
	return []subtestArm{
		{name: "bare", test: uncheckedSubtest},
		// leakcheck comes right after a subtest that is not checked, as in
		// a package where some tests call leakcheck.Check and others do not: the
		// check finds no look of an earlier check to stand on.
		{name: "leakcheck", test: checkedSubtest, before: uncheckedSubtest},
		{
			// A checked subtest right after another: the check stands on
			// the look the previous one took at its end (baseline.go), as
			// in a test binary whose tests all call Check.
			name:   "leakcheck-next",
			test:   checkedSubtest,
			before: checkedSubtest,
		},
		{name: "goleak-once", test: func(t *testing.T, work func()) {
			defer goleak.VerifyNone(t, once)
			work()
		}},
		{name: "goleak-current", test: func(t *testing.T, work func()) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			work()
		}},
		{name: "floor", test: func(t *testing.T, work func()) {
			// The cheapest looks an exact check makes when it cannot stand
			// on an earlier look: the IDs alive at leakcheck.Check and the IDs alive
			// at the end, each one traceback of every goroutine into a
			// buffer that is already big enough, and nothing else.
			runtime.Stack(stackBuf, true)
			work()
			runtime.Stack(stackBuf, true)
		}},
		{name: "floor-next", test: func(t *testing.T, work func()) {
			// The same when the check stands on an earlier look: only the
			// traceback at the end.
			work()
			runtime.Stack(stackBuf, true)
		}},
	}
}

// uncheckedSubtest is a subtest that only calls work.
func uncheckedSubtest(t *testing.T, work func()) { work() }

// checkedSubtest is a subtest that calls leakcheck.Check, then work.
func checkedSubtest(t *testing.T, work func()) {
	leakcheck.Check(t)
	work()
}

// spawnAndJoin is the body of every subtest: start one goroutine, wait for
// it. The goroutine may still be returning when the check looks, as in real
// tests.
func spawnAndJoin() {
	done := make(chan struct{})
	go func() { close(done) }()
	<-done
}

// armCost adds up what one arm's subtests took.
type armCost struct {
	elapsed time.Duration
	mallocs uint64
	runs    int
}

// benchCleanCheckSubtests runs b.N rounds of one subtest per arm, the arms
// in a rotating order, and reports per arm the time and allocations a
// subtest took above the bare subtest, and goleak's time as a multiple of
// leakcheck's.
func benchCleanCheckSubtests(b *testing.B, n int) {
	background(b, n)
	once := goleak.IgnoreCurrent()
	arms := subtestArms(once, n)
	costs := make([]armCost, len(arms))
	ran := false
	runAsTest(b, func(t *testing.T) {
		ran = true
		var before, after runtime.MemStats
		order := make([]int, len(arms))
		for round := 0; round < b.N; round++ {
			for i := range order {
				order[i] = (i + round) % len(arms)
			}
			for _, a := range order {
				arm := arms[a]
				if arm.before != nil {
					t.Run(arm.name+"-before", func(t *testing.T) { arm.before(t, spawnAndJoin) })
				}
				runtime.ReadMemStats(&before)
				start := time.Now()
				t.Run(arm.name, func(t *testing.T) { arm.test(t, spawnAndJoin) })
				elapsed := time.Since(start)
				runtime.ReadMemStats(&after)
				costs[a].elapsed += elapsed
				costs[a].mallocs += after.Mallocs - before.Mallocs
				costs[a].runs++
			}
		}
	})
	if !ran {
		b.Fatal("testing.RunTests ran no test (is -test.skip set?)")
	}
	b.StopTimer()
	per := func(i int) (ns, allocs float64) {
		c := costs[i]
		return float64(c.elapsed.Nanoseconds()) / float64(c.runs), float64(c.mallocs) / float64(c.runs)
	}
	bareNS, bareAllocs := per(0)
	cost := make(map[string]float64, len(arms))
	for i, arm := range arms[1:] {
		ns, allocs := per(i + 1)
		cost[arm.name] = ns - bareNS
		b.ReportMetric(ns-bareNS, arm.name+"-ns/test")
		b.ReportMetric(max(allocs-bareAllocs, 0), arm.name+"-allocs/test")
	}
	b.ReportMetric(bareNS, "bare-ns/test")
	if lc := cost["leakcheck"]; lc > 0 {
		b.ReportMetric(cost["goleak-once"]/lc, "goleak-once/leakcheck")
		b.ReportMetric(cost["goleak-current"]/lc, "goleak-current/leakcheck")
	}
	if next := cost["leakcheck-next"]; next > 0 {
		b.ReportMetric(cost["goleak-once"]/next, "goleak-once/leakcheck-next")
	}
	if floor := cost["floor"]; floor > 0 {
		b.ReportMetric(cost["goleak-once"]/floor, "goleak-once/floor")
	}
	if floor := cost["floor-next"]; floor > 0 {
		b.ReportMetric(cost["goleak-once"]/floor, "goleak-once/floor-next")
	}
}

// runAsTest runs fn as a test with a real *testing.T, through
// testing.RunTests. The test binary's -test.count would repeat it, so it is
// set to 1 for the call; -test.run does not apply (the benchmark chose to
// run it).
func runAsTest(b *testing.B, fn func(t *testing.T)) {
	b.Helper()
	if count := flag.Lookup("test.count"); count != nil {
		old := count.Value.String()
		if err := count.Value.Set("1"); err != nil {
			b.Fatalf("setting -test.count for the subtests: %v", err)
		}
		defer func() { _ = count.Value.Set(old) }()
	}
	all := func(pat, str string) (bool, error) { return true, nil }
	if !testing.RunTests(all, []testing.InternalTest{{Name: "CleanCheckSubtests", F: fn}}) {
		b.Fatal("a subtest failed: a checker reported a clean subtest")
	}
}
