// Package realbugs is a corpus of real goroutine leaks from public Go
// projects, outside the GoKer kernels: each case is a small reproduction,
// in this project's own words, of a leak an upstream project fixed, with
// the truth about it written down before leakhound was run on it.
//
// Each case is a directory (a package of its own) holding:
//   - leak.go: the leaky code, whose package doc cites the upstream fix
//     and says what it did, and a Run function that triggers the leak and
//     returns, leaving the leaked goroutine blocked;
//   - truth.json: the Truth (where the goroutine blocks, the root-cause
//     class, the statement that should have released it, the go statement
//     that created it, the real fix);
//   - fix.patch: the upstream fix's effect on leak.go, as a unified diff.
//
// Cases lists them. The package's tests check every truth without
// leakhound: after Run, a goroutine Run started is parked at exactly the
// truth's line and was created at the truth's go statement (TestLeaks,
// from runtime.Stack read by this package's own parser), and with
// fix.patch applied through a go build overlay the case, run in a process
// of its own (the runcase command), leaves no goroutine (TestFixes).
//
// Every Run is deterministic: where the leak needs an order of events (a
// timeout before an answer, a writer waiting before a second read lock),
// Run sets it up with channels or a TryLock loop, never a sleep. That is
// why the corpus has no lock-order cycle and no response body left open:
// the first cannot be ordered without changing the code under test, the
// second blocks inside net/http, in no line of the case's own.
//
// # The score
//
// Score holds a diagnosis to the truth, case by case. Its interface is
// meant to stay stable for any diagnoser, whatever package explains:
//
//	goCmd, _, _ := editverify.GoCommand()
//	runner := &realbugs.Runner{GoCmd: goCmd, Dir: anyDirOfTheModule, Tmp: t.TempDir(), Limit: 10 * time.Second}
//	rows, err := realbugs.Score(diagnose, runner)
//	t.Log(realbugs.Table(rows)); totals := realbugs.Total(rows)
//
// where diagnose is a Diagnose: given a case and what its Run left behind
// (Capture: the runtime.Stack dump and the IDs of the goroutines Run
// started), it returns one Claim per group it explains. A Claim holds only
// what can be checked mechanically: the goroutine IDs, the blocking
// file:line, the catalog pattern ID, whether a cycle was found, every
// file:line named as what would release the goroutines, the existing
// method or function it says to call ("Type.Method" or a plain name), and
// the files its suggested edits change, already edited. ReportClaims (in
// the package's tests, so that the explain package's tests may run the
// corpus too) is the Diagnose of today's explanation, from Case.Leaks. The runner (Runner) applies edits
// through a go build overlay and reruns the case with the runcase command:
// one build holds every case's edits (the cases share no file), and a
// build that fails is redone case by case so only the case whose edit
// breaks it is charged.
//
// The rules, per case (Row), on the claim covering the goroutine blocked
// at the truth's line:
//   - block: the claim's blocking file:line is the truth's;
//   - class: the claim's pattern is one of ClassPatterns[truth class] (the
//     GoKer score's mapping), or it found a cycle where the class is
//     "cycle";
//   - partner: the truth's partner file:line is among the claim's
//     partners; when the truth has none, the claim must name none;
//   - fix: the claim's Closer is the truth's FixCall (the same
//     "Type.Method", or the same last name when the truth names a function
//     or func value), or the claim's edits, applied, make the case end
//     every goroutine it started. A fix stated only in prose does not
//     count: the score never reads prose;
//   - edit: what applying the claim's edits did (removes, leaks, breaks).
//
// TestScore logs the table and fails when a total drops below scoreFloor
// (today's numbers) or an offered edit leaves the leak or breaks the
// build. A diagnoser elsewhere calls Score with its own Diagnose and its
// own floor.
package realbugs
