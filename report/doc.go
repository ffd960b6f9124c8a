// Package report explains leaked goroutines: why each is stuck, grouped by
// how and where, with the documented fix, rendered as text, HTML, JSON or a
// pprof profile.
//
// # From goroutines to a report
//
// A caller that has found goroutines that outlived their test (leakcheck,
// or the leakhound command reading a dump) hands them to New as Leaks: each
// a profile.Goroutine and, when known, the test that started it and how
// that was learned. New builds the Report in four steps:
//
//  1. Classify: each goroutine's wait state and innermost frames give its
//     Reason (chan-receive, chan-send, select, mutex, waitgroup, cond, IO,
//     sleep, nil channel…; Reasons lists them, Classify decides one).
//  2. Group: goroutines blocked for the same reason at the same line,
//     started by the same go statement, are one Group, with their count,
//     IDs and tests. A Group's Fingerprint (reason, blocking function,
//     creating function, pattern; never a line number) is what baselines of
//     known leaks record.
//  3. Diagnose: each Group gets a Diagnosis. It names a pattern of the
//     catalog (Catalog, PatternByID: LH001 and on, each with why it leaks
//     and how to fix it) when the stack shows one, and, unless
//     Options.NoSource, reads the source around the blocking line for
//     Facts: the channel's make and buffer, the select's cases, the lock
//     and where it was taken, the context in scope, the partners a
//     goroutine waits on. From the facts come the evidence lines, the fix
//     in the code's own names, and, where a mechanical change is safe, a
//     Suggestion of Edits (ApplyEdits, EditFiles apply them); NoEdit says
//     why not otherwise.
//     The diagnosis follows values, not names: each package directory on
//     the stack is type-checked once per process (internal/values) and its
//     channels, sync primitives, contexts and cancel functions are joined
//     through assignments, fields, literals, static calls and go
//     statements. Where a package cannot be loaded it matches by the names
//     in the syntax and says so in the evidence.
//  4. Relate: groups that wait on each other (a lock-order cycle, two
//     goroutines each sending first) become Cycles, so the report shows
//     one deadlock instead of two unrelated leaks.
//
// The report is a value: nothing is captured, no environment is read, no
// file is written but to the writers given. Paths are shown relative to
// Options.ModuleRoot.
//
// # Renderers
//
// One Report renders as text (WriteText: what a failing test prints), a
// self-contained HTML page (WriteHTML; no network, readable without
// JavaScript), JSON (WriteJSON, read back by ReadJSON; SCHEMA.md is its
// schema), a pprof goroutine profile (WritePprof), GitHub annotations
// (WriteAnnotations) and a diff of two reports (WriteDiff). Many reports
// of one package make a Document; reportdir writes a directory of them,
// with an index page (Index), a catalog page (WriteCatalogPage), a page per
// package (WritePackagePage) and the Markdown summary CI shows
// (WriteMarkdownSummary).
//
// # Reading the code
//
// report.go holds the model; group.go New and the grouping; reason.go and
// classify.go the reasons; fingerprint.go the fingerprint; diagnose.go,
// catalog.go and origin.go the diagnosis; source.go, facts*.go, waits.go,
// release.go, cycle.go and edit*.go what the source shows and what to
// change; text.go, html*.go, pages.go, json.go, pprof.go, annotate.go and
// markdown.go the renderers. The tests are the
// specification: golden files under testdata/ (regenerated with
// `go test ./report -run Golden -update`, see CONTRIBUTING.md) hold what a
// person reads for real leaks and for the GoKer kernels of real bugs.
package report
