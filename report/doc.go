// Package report is the model of leaked goroutines and its renderers: the
// goroutines grouped by how and where they are stuck, each group with its
// diagnosis and the documented fix, rendered as text, HTML, JSON or a
// pprof profile. Package explain explains a report from the source.
//
// # From goroutines to a report
//
// A caller that has found goroutines that outlived their test (leakcheck,
// or the leakhound command reading a dump) hands them to New as Leaks: each
// a profile.Goroutine and, when known, the test that started it and how
// that was learned. New builds the Report in three steps:
//
//  1. Classify: each goroutine's wait state and innermost frames give its
//     Reason (chan-receive, chan-send, select, mutex, waitgroup, cond, IO,
//     sleep, nil channel…; Reasons lists them, Classify decides one).
//  2. Group: goroutines blocked for the same reason at the same line,
//     started by the same go statement, are one Group, with their count,
//     IDs and tests. A Group's Fingerprint (reason, blocking function,
//     creating function, pattern; never a line number) is what baselines of
//     known leaks record.
//  3. Diagnose from the stack: each Group gets the Diagnosis its stack
//     alone supports. It names a pattern of the catalog (Catalog,
//     PatternByID: LH001 and on, each with why it leaks and how to fix
//     it): one the stack tells for certain (an HTTP client connection, an
//     httptest server, an iter.Pull coroutine, a sync.Once's function
//     stuck in another group), or else the fallback pattern of the reason
//     (FallbackPattern), said to be less certain.
//
// New reads no source file. The explanation, what the source at each
// blocking line shows (the facts, the partners a goroutine waits on, the
// cycles among groups, the fix in the code's own names and the Edits of a
// Suggestion), is package explain's: its caller asks for it with
// explain.Report once New is done, and it fills the same Diagnosis, Facts
// and Cycles the renderers show. report does not import go/ast or
// go/types, so a program that only renders, watches or serves a page
// stays small.
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
// classify.go the reasons; fingerprint.go the fingerprint; stack.go,
// once.go, catalog.go and origin.go the diagnosis from the stack;
// facts.go, edit.go and victim_fix.go the model of the facts and edits
// and what explain and the stack share; text.go, html*.go, pages.go,
// json.go, pprof.go, annotate.go, markdown.go and edit_*.go the
// renderers. The tests are the specification: golden files under
// testdata/ (regenerated with `go test ./report -run Golden -update`, see
// CONTRIBUTING.md) hold what a person reads for real leaks, explained as
// leakcheck explains them; the GoKer kernels of real bugs are explain's.
package report
