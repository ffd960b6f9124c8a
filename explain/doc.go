// Package explain explains the leaked goroutines of a report from the
// source: why each group is stuck, in the code's own names, what would
// release it, and, where a mechanical change is safe, the edit that fixes
// it.
//
// report.New classifies and groups goroutines and gives each group what
// its stack alone says: the reason it waits, the fallback pattern of the
// catalog, the HTTP and iter.Pull shapes a stack tells for certain. Report
// reads the source at each group's blocking line and replaces that with
// what the code shows:
//
//	r := report.New(leaks, report.Options{Title: "TestFetch", ModuleRoot: root})
//	explain.Report(r, explain.Options{})
//	r.WriteText(os.Stderr)
//
// leakcheck and the leakhound command call both; watch and
// livepage take Report as a function, so that a program that only watches
// or serves a page does not link the type checker.
//
// # What the explanation follows
//
// The statement at the blocking line names what the goroutine waits on: a
// channel received from or sent to, a select's cases, a mutex or RWMutex,
// a WaitGroup, a Cond, a sleep, an I/O wait. From it Report gathers
// Facts: the channel's make and buffer, the select's cases and which of
// them could stop it, the lock and where it was taken, the context in
// scope and where it came from, the method that would close or stop what
// the goroutine waits on (Closer), and the partners: the statements of
// other goroutines that would release it (a close, a send, an Unlock, a
// Done, a cancel).
//
// It follows values, not names. Each package directory on the stack is
// type-checked once per process (internal/values), and its channels, sync
// primitives, contexts and cancel functions are joined through
// assignments, struct fields, literals, the parameters and results of
// static calls, closures and go statements: a close of s.done in one
// method is the partner of a receive from done in a goroutine the
// constructor started with s.done as its argument. The union is
// flow-insensitive: it does not know which branch ran, which is why a
// partner is something that could release the goroutine, not proof that
// it was reached.
//
// Groups are then related. A group whose partner is itself stuck in
// another leaked group names it; groups that wait on each other (a
// lock-order cycle, two goroutines each sending first, a writer waiting
// behind readers) become a Cycle of the report, shown once as one
// deadlock. A group that only waits for another stuck group (a victim)
// takes the fix of the group at the end of the chain.
//
// Last come the fixes: each group's Fix in one line, and a Suggestion of
// Edits (a defer cancel(), a buffered channel, a close after the loop,
// an Unlock before the wait…) when the edit is mechanical and safe; NoEdit
// says why not otherwise. Edits are byte ranges of the user's own files,
// checked against the text they replace.
//
// # What it does not do
//
// It does not run the code, and follows no value through reflection,
// unsafe, or a call it cannot resolve statically or through the
// interface methods of the calling package. It reads only the files
// report.Options allows (the module root, the toolchain's sources and the
// module cache, or report.Options.SourceRoots), each at most once per
// Report call.
//
// Values are followed per variable and per field of a type, not per call
// or per instance: every value a field of T holds is one value, and two
// calls of a constructor make one value for it. So a cancel kept in a
// field counts for every context the field ever held (unless the field is
// seen overwritten before a cancel), and where goroutines of several
// calls could each release a goroutine, the explanation names them as
// "one of" those groups instead of picking one.
//
// Where a package cannot be loaded (no go command, a package that does
// not type-check, a dependency in the module cache, which the go command
// resolves in its own module), Report matches values by their names in
// the syntax and says so in the evidence ("types not loaded"); where a
// file cannot be read, the diagnosis rests on the stack alone and the
// evidence says that too. Options.NoTypes keeps the whole explanation on
// the syntax, running no go command. A report built with
// report.Options.NoSource, or read from JSON, reads no file: Report
// leaves its stack diagnoses as they are.
//
// # Reading the code
//
// explain.go holds Report; diagnose.go the diagnosis of one group;
// source.go and parsed.go the source cache and the sites of blocking
// lines; ops.go, waits.go and release.go what a goroutine waits on and
// what would release it; facts_*.go, context_callers.go, once.go,
// own_defer.go and skipped.go the facts; cycle.go the partners and
// cycles; edit_*.go and fix_*.go the fixes and edits. The tests are the
// specification: the GoKer kernels of real bugs (testdata/goker, scored by
// TestGokerScore against an independent judge, internal/judge), the corpus
// of real leaks fixed in public projects (internal/realbugs, judged by
// TestJudgeRealBugs), real modules (testdata/realmods), the examples
// (judged by examples/demo's TestJudgeExamples), and one test per rule of
// the edits.
package explain
