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
package realbugs
