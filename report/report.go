package report

import (
	"github.com/leakhound/leakhound/internal/srcfile"
	"github.com/leakhound/leakhound/profile"
)

// Leak is one goroutine to report, with what is known of the test that
// started it.
type Leak struct {
	// Goroutine is the goroutine as captured or parsed.
	Goroutine *profile.Goroutine
	// Test is the name of the test that started the goroutine ("" when not
	// known).
	Test string
	// Attribution says how Test was learned; "" when it was not.
	Attribution profile.Attribution
}

// Report is the explained result of one check: leaked goroutines grouped
// by how and where they are stuck, largest group first.
type Report struct {
	// Title names what was checked: a test, a package, a dump file.
	Title string
	// Package is the import path of the package under test, when known.
	Package string
	// ModuleRoot is the directory of the user's go.mod, from Options;
	// RelPath shows paths under it relative to it.
	ModuleRoot string
	// Total is the number of goroutines reported (the sum of group counts).
	Total int
	// Groups holds goroutines blocked the same way at the same place.
	Groups []*Group
	// Baseline names the baseline of known leaks the groups were compared
	// with, "" when none was: then no group is Known and none is new.
	Baseline string
	// Dump reports that the goroutines are every goroutine of a dump, not
	// what a test left behind: they are named blocked (or running), and
	// only those the runtime proved leaked are named leaked.
	Dump bool
	// Context is why the dump was printed (a crash, a signal, a test
	// timeout), as its text said; the zero Context when it said nothing.
	Context profile.Context
	// Cycles are the sets of groups that wait on each other (lock order,
	// channels), each listed once; the members' Diagnosis.Facts.Cycle
	// points here.
	Cycles []Cycle
	// Notes say how the report was assembled (a watch's targets and
	// looks); the HTML page lists them.
	Notes []string
	// NoSource is Options.NoSource: no source file is read for the
	// explanation, and the HTML page shows no source excerpt either.
	NoSource bool

	// sources reads the source files the explanation, the HTML excerpts
	// and the diff show; nil (a report read from JSON, or built with
	// NoSource) reads none, so rendering a shard never reads the
	// renderer's files.
	sources *srcfile.Reader
}

// Group is a set of goroutines blocked for the same reason at the same
// place, created at the same place.
type Group struct {
	// Reason is the classified blocking reason.
	Reason Reason
	// State is the wait state as the runtime printed it, kept verbatim.
	State string
	// Count is the number of goroutines in the group.
	Count int
	// IDs are the goroutine IDs, ascending (empty for aggregated profiles).
	IDs []int64
	// Tests are the distinct tests that started these goroutines, sorted.
	Tests []string
	// Leaked is how many of them the runtime proved leaked.
	Leaked int
	// WaitMinutes is the longest blocked time printed for any of them.
	WaitMinutes int
	// Block is the frame of the user's code where the goroutines block: the
	// innermost frame outside the runtime and standard library, or the
	// innermost frame when there is none.
	Block profile.Frame
	// CreatedBy is where the goroutines were started, when known.
	CreatedBy *profile.Frame
	// Origin is the nearest frame of the user's code that led to CreatedBy
	// when the go statement sits in the standard library or a helper
	// package (sync.(*WaitGroup).Go, errgroup, time.AfterFunc, net/http);
	// nil when CreatedBy is the user's own. See OriginFrom.
	Origin *profile.Frame
	// OriginFrom says how Origin was found: OriginAncestors or OriginEntry.
	OriginFrom string
	// Stack is one representative goroutine of the group.
	Stack *profile.Goroutine
	// Diagnosis explains the group and names the fix.
	Diagnosis Diagnosis
	// EditCheck is what `leakhound fix` found with the suggested edit
	// applied; nil when fix has not tried it (every report made at test
	// time), and the edit is shown as unverified.
	EditCheck *EditCheck
	// Known reports that the group's Fingerprint is in the report's
	// Baseline: a leak known before, listed but not failing. A group of a
	// report with a Baseline that is not Known is new.
	Known bool
	// Trend is the group's count over time, oldest first, when it was
	// followed over time (leakhound watch); the HTML page draws it as a
	// sparkline. Nil for a single look.
	Trend []int
}

// Diagnosis is what a group of leaked goroutines most likely means.
type Diagnosis struct {
	// PatternID is the ID of the catalog Pattern that fits, "" when none.
	PatternID string
	// Summary is the diagnosis in one line.
	Summary string
	// Evidence lists the facts the diagnosis rests on, so it is never a
	// silent guess: the wait state, the frame, the source statement read.
	Evidence []string
	// FromSource reports whether the source at the blocking line was read
	// and parsed; without it the diagnosis rests on the stack alone and is
	// less certain.
	FromSource bool
	// Suggestion is the fix as edits of the user's own lines, when one is
	// mechanical and safe (see Suggestion); nil otherwise.
	Suggestion *Suggestion
	// NoEdit says why no edit is suggested when the source was read but
	// no safe mechanical edit exists: the catalog's sample shows the fix.
	NoEdit string
	// Fix is the fix for this group in one line, naming its code ("call
	// (*Pool).Close"); "" when the pattern's general Fix is all there is.
	Fix string
	// Facts are the source facts the diagnosis found, as data.
	Facts Facts
}

// Pattern is one entry of the catalog of known leak patterns.
type Pattern struct {
	// ID is stable, for links and for ignoring by pattern, e.g. "LH001".
	ID string
	// Title names the pattern in a few words.
	Title string
	// Why explains why code of this shape leaks.
	Why string
	// Fix says what to change, in one or two sentences.
	Fix string
	// Before is a short example of the leaking code.
	Before string
	// After is the same example, fixed.
	After string
}

// noun is what the report calls its goroutines: "leaked" for what a test
// left behind, "blocked" for the goroutines of a dump, where only the
// runtime's proof makes a goroutine leaked.
func (r *Report) noun() string {
	if r.Dump {
		return "blocked"
	}
	return "leaked"
}

// ReadSourceUnder lets r read the Go source files under roots, GOROOT and
// the module cache for its HTML excerpts and its diff, by the rule every
// read of a local file follows (only regular *.go files, links resolved,
// size-capped). A report from New reads under Options.ModuleRoot and
// Options.SourceRoots already; a report read from JSON reads nothing
// until its caller, trusting that the files it names are its own (as
// `leakhound fix` does for the module it runs), says where.
func (r *Report) ReadSourceUnder(roots ...string) {
	r.sources = srcfile.New(append(roots, srcfile.ToolchainDirs("", "")...)...)
}

// Sources returns the reader of the source files r may read (see
// ReadSourceUnder), nil when it reads none. Package explain reads through
// it, so that the explanation and the excerpts read the same files by the
// same rule.
func (r *Report) Sources() *srcfile.Reader {
	return r.sources
}
