// Package leakcheck fails tests that leave goroutines behind, and says which
// test started each one, why it is stuck and how to fix it.
//
// # Checking one test
//
// Call Check first thing in a test:
//
//	func TestFetch(t *testing.T) {
//		leakcheck.Check(t)
//		t.Parallel()
//		...
//	}
//
// When the test ends, the check fails it if any goroutine the test started
// is still running. It works with t.Parallel, -count=N and any number of
// subtests because it never guesses: Check puts a pprof label unique to this
// run of this test on the test's goroutine (LabelKey), the runtime copies
// labels to every goroutine started from there, at any depth, and the check
// counts only goroutines with that label. Goroutines of other tests, and
// those that existed before the test, do not count. When code in the test
// replaces the labels (pprof.Do with context.Background(), for instance),
// the check follows the chain of go statements back to the test instead.
//
// For subtests, Wrap calls Check for you:
//
//	t.Run("retry", leakcheck.Wrap(func(t *testing.T) { ... }))
//
// A subtest with its own Check owns its goroutines; goroutines of subtests
// without one belong to their parent.
//
// # Goroutines no test started
//
// Some goroutines have no creator chain back to a test: the function of
// time.AfterFunc (and of context.AfterFunc when a deadline passes) runs in
// a goroutine the runtime's timer starts, goroutines started from
// runtime.AddCleanup or SetFinalizer callbacks come from the runtime's
// finalizer goroutine, and a goroutine whose creator lost the label and
// returned shows no creator at all. Whether such a goroutine is new since
// Check is decided by its ID: Check knows the IDs of every goroutine alive
// when it is called, so one of them is never the test's, whatever its
// function. A new one still running at the verdict appeared while this
// check ran, so one of the checked tests running then started it: its
// candidates, narrowed by every check that sees it. When there is one, it
// fails that test. When they are subtests of one test (a table's parallel
// cases), that parent fails, once: "one of its subtests A, B, C leaked
// this". Otherwise, under VerifyTestMain, the checks only log it and
// VerifyTestMain fails the package at exit, naming the test by running the
// candidates apart; without VerifyTestMain each candidate's check fails,
// worded to claim no ownership ("one of A, B leaked this"). No log names a
// test as the starter of a goroutine it cannot be shown to have started:
// they say "appeared while A, B, C ran".
//
// # Waiting, and proof
//
// A goroutine told to stop a moment ago may still be returning, so a check
// looks again with a growing pause, for up to the settle budget
// (DefaultSettleBudget, or SettleBudget), and stops as soon as none is
// left. A passing test pays for the IDs of the goroutines when Check is
// called (the header lines of one traceback, or nothing when the previous
// check's look still holds: the runtime's count of created goroutines
// shows that only the test's own goroutine is new since), and one more look
// at the IDs at the end, not for the budget; stacks are parsed only when a
// goroutine created since Check is still running (see
// BENCHMARKS.md). Where the runtime can prove a goroutine
// leaked (Go 1.27, or Go 1.26 with GOEXPERIMENT=goroutineleakprofile), a
// survivor proven stuck forever is reported at once, without waiting out
// the budget. OnlyProvenLeaks fails tests only for such proven leaks.
//
// # What a failure says
//
// The test error is a report, not a dump of stacks: leaked goroutines are
// grouped by where and why they block, each group with the line that
// blocks, the go statement that started it, the test, and the fix for the
// pattern. ReportDir (or LEAKHOUND_REPORT=dir) also writes HTML, JSON and
// pprof files; in GitHub Actions the leaks are annotated on the source
// lines. KnownLeaks (or LEAKHOUND_BASELINE=file) lists the leaks of a
// baseline without failing, so a repository can adopt the checks before
// fixing every existing leak; `leakhound merge` joins the report
// directories of many CI shards (see the README's "In CI").
//
// What is never reported: the runtime's own goroutines, the testing
// package's, the os/signal loop, execution-trace readers. What is: anything
// else the test started, HTTP keep-alive connections and timers included;
// use the Ignore options for goroutines you keep on purpose.
//
// # The whole package, and coming from goleak
//
// VerifyTestMain checks, from TestMain, that no goroutine outlives the
// package's tests, and names the test that started each one, subtests
// included, with no GODEBUG and no Check in the tests: it labels each
// top-level test as it starts, and finds the subtest, or the test behind a
// goroutine no label ties to one, by running parts of the tests again,
// after printing its report, within a share of -test.timeout (see
// VerifyTestMain; NoReruns turns that off). A leak a Check or VerifyNone
// already failed its test for is counted there, not failed twice; later
// VerifyNone calls name it as left over from that test, without failing.
// Goroutines started before the tests and still running fail the package
// too, in a section of their own, as with goleak; IgnoreInitGoroutines
// leaves them out, and IgnoreKnown leaves out well-known library daemons by
// named set.
//
// The labelling rests on the testing package's internals, which no Go
// release promises to keep: VerifyTestMain puts its own matcher in front
// of testing.M's unexported test dependencies and recognises testing's
// top-level loops by their function names. It checks testing's shape once
// per process; on a Go whose testing no longer matches, it still checks
// every goroutine but prints one line saying that tests are named from
// stacks only, on which Go, and how to get the names back (Check in those
// tests, or a leakhound release that knows that Go). leakhound's tests fail
// on any supported Go release where the labelling cannot attach. Once the
// testing package labels test goroutines itself (golang/go#75047),
// VerifyTestMain uses that label instead. Check relies on none of this.
//
// VerifyTestMain, VerifyNone, Find, IgnoreTopFunction, IgnoreAnyFunction,
// IgnoreCurrent and Cleanup mean what they mean in go.uber.org/goleak
// v1.3.0, its latest release, so moving over is a change of import path;
// the reports, the settling and the proof come with it. IgnoreCreatedBy is
// also on goleak's main branch but in none of its releases. goleak's retry
// settings (MaxSleepInterval, MaxRetryAttempts) are in no release either;
// SettleBudget is the one setting here. VerifyNone and Find look at the
// whole process, so they are unfit for parallel tests: Check is the
// per-test replacement.
package leakcheck
