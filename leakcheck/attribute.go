package leakcheck

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leakhound/leakhound/profile"
)

// How a leak was tied to its test, as report.Leak.Attribution spells it.
const (
	byLabel     = "label"
	byCreator   = "creator"
	byAncestors = "ancestors"
	// byOrphan marks, inside a check, a goroutine whose creator chain ends
	// outside any goroutine (a timer, a finalizer, a creator that has
	// returned); see orphans.go for whose it is.
	byOrphan = "orphan"
	// byAlone is how an orphan is tied to the one checked test that was
	// running while it appeared.
	byAlone = "alone"
)

// maxChain bounds walks up the creator chain; real chains are short, and the
// bound keeps a malformed dump (a cycle of parent IDs) from looping.
const maxChain = 10000

// owner decides which goroutines of a full capture a test started.
//
// Labels decide first: a goroutine with this run's label is the test's, one
// with another test's label is not. A goroutine without a leakhound label
// lost it, typically because code in the test called pprof.Do with
// context.Background(), which replaces the labels of the goroutine running
// it (the test's own, if called there) and of every goroutine started inside.
// Such a goroutine is the test's when it is new since Check (see fresh) and
// its creator chain leads to the test: its parent is the test goroutine, or
// a live goroutine that is the test's, or, with GODEBUG=tracebackancestors=N,
// one of its recorded ancestors is the test goroutine.
//
// A label value is created by Check, so a labelled goroutine is new by
// construction; an unlabelled one is not, since the test goroutine may have
// started goroutines before calling Check. Those are told apart by
// comparing the capture with the baseline taken at Check, which counts
// goroutines by entry function (see baseline.go); of each entry function,
// the goroutines with the lowest IDs, the oldest, are taken as the ones
// that were there. Counting errs towards not blaming.
type owner struct {
	label   string // this run's label value
	testGID int64  // the test goroutine, as Check saw it
	byID    map[int64]*profile.Goroutine
	fresh   map[int64]bool   // IDs of goroutines not in the look taken at Check
	memo    map[int64]string // goroutine ID → attribution, "" = not ours
}

// before, when not nil, holds the IDs of the goroutines alive at Check: a
// goroutine among them is never new, whatever the counts say.
func newOwner(label string, testGID int64, base baseline, before map[int64]bool, s *profile.Snapshot) *owner {
	o := &owner{
		label:   label,
		testGID: testGID,
		byID:    make(map[int64]*profile.Goroutine, len(s.Goroutines)),
		fresh:   make(map[int64]bool),
		memo:    make(map[int64]string),
	}
	if before != nil {
		// The IDs alive at Check are known: exact, where the counts by
		// entry function can be misled by IDs out of age order.
		for _, g := range s.Goroutines {
			if !before[g.ID] {
				o.fresh[g.ID] = true
			}
		}
	} else {
		for _, g := range newcomers(base, s, o.age) {
			o.fresh[g.ID] = true
		}
	}
	for _, g := range s.Goroutines {
		if g.ID != 0 {
			o.byID[g.ID] = g
		}
	}
	return o
}

// of returns how g is tied to the test, or "" when it is not the test's.
func (o *owner) of(g *profile.Goroutine) string {
	how, _ := o.walk(g, 0)
	return how
}

func (o *owner) walk(g *profile.Goroutine, depth int) (string, bool) {
	if v, ok := g.Labels[LabelKey]; ok {
		if v == o.label {
			return byLabel, true
		}
		return "", true
	}
	if g.ID != 0 {
		if how, ok := o.memo[g.ID]; ok {
			return how, true
		}
	}
	how := o.unlabelled(g, depth)
	if g.ID != 0 {
		o.memo[g.ID] = how
	}
	return how, true
}

// age ranks g for newcomers, oldest first. 2: known to be newer than
// Check (it has this run's label, which did not exist before). 0: started
// by the test goroutine without the label, which is what a goroutine the
// test started before calling Check looks like; one started after Check
// that dropped the label itself looks the same, so this only decides who
// takes the baseline's places first, erring towards not blaming. 1: only
// its ID can tell.
func (o *owner) age(g *profile.Goroutine) int {
	_, labelled := g.Labels[LabelKey]
	switch {
	case g.Labels[LabelKey] == o.label:
		return 2
	case !labelled && o.testGID != 0 && g.ParentID == o.testGID:
		return 0
	}
	return 1
}

// unlabelled follows the creator chain of a goroutine without a leakhound
// label. A chain that ends outside any goroutine the capture shows (a timer
// or the runtime started it, or its creator has returned) makes it an
// orphan: the check decides whose it is (see orphans.go).
func (o *owner) unlabelled(g *profile.Goroutine, depth int) string {
	if !o.fresh[g.ID] {
		return ""
	}
	if o.testGID != 0 && g.ParentID == o.testGID {
		return byCreator
	}
	for _, a := range g.Ancestors {
		if o.testGID != 0 && a.ID == o.testGID {
			return byAncestors
		}
	}
	if depth >= maxChain || g.ParentID == g.ID {
		return ""
	}
	parent, ok := o.byID[g.ParentID]
	if g.ParentID == 0 || !ok || isMachinery(parent) {
		return byOrphan
	}
	switch how, _ := o.walk(parent, depth+1); how {
	case "":
		return ""
	case byOrphan:
		return byOrphan
	default:
		return byCreator
	}
}

// newcomers returns the goroutines of the full capture s that the baseline
// did not count. Of each entry function, the baseline's places go first to
// the goroutines age ranks oldest, then to the ones with the lowest IDs;
// IDs only roughly follow age, since each processor hands out IDs from a
// batch of its own. A nil age ranks by ID alone.
func newcomers(base baseline, s *profile.Snapshot, age func(*profile.Goroutine) int) []*profile.Goroutine {
	had := maps.Clone(base)
	if had == nil {
		had = make(baseline)
	}
	byAge := slices.Clone(s.Goroutines)
	rank := func(g *profile.Goroutine) int {
		if age == nil {
			return 1
		}
		return age(g)
	}
	slices.SortStableFunc(byAge, func(a, b *profile.Goroutine) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.ID, b.ID))
	})
	var added []*profile.Goroutine
	for _, g := range byAge {
		k := entryOf(g)
		if had[k] > 0 {
			had[k]--
			continue
		}
		added = append(added, g)
	}
	return added
}

// testTie is what can be learned about the test that started a goroutine
// without a label of this run: used by VerifyTestMain, which looks after
// all tests have ended.
type testTie struct {
	byID map[int64]*profile.Goroutine
}

func newTestTie(s *profile.Snapshot) *testTie {
	t := &testTie{byID: make(map[int64]*profile.Goroutine, len(s.Goroutines))}
	for _, g := range s.Goroutines {
		if g.ID != 0 {
			t.byID[g.ID] = g
		}
	}
	return t
}

// of returns the test that started g and how that is known, or "" twice.
// The sources, most certain first: a leakhound label (the test used Check
// or Wrap); the go statement that created it, or any live goroutine up its
// creator chain, sitting in a test function; the ancestors' stacks the
// runtime kept under GODEBUG=tracebackancestors.
func (t *testTie) of(g *profile.Goroutine) (test, how string) {
	seen := 0
	for cur := g; cur != nil && seen < maxChain; seen++ {
		if v, ok := cur.Labels[LabelKey]; ok {
			return testOfLabel(v), byLabel
		}
		if cur.CreatedBy != nil {
			if name, ok := testFunc(cur.CreatedBy.Func); ok {
				return name, byCreator
			}
		}
		if cur != g {
			// A live ancestor may itself be running inside a test function.
			for _, f := range cur.Frames {
				if name, ok := testFunc(f.Func); ok {
					return name, byCreator
				}
			}
		}
		for _, a := range cur.Ancestors {
			for _, f := range a.Frames {
				if name, ok := testFunc(f.Func); ok {
					return name, byAncestors
				}
			}
			if a.CreatedBy != nil {
				if name, ok := testFunc(a.CreatedBy.Func); ok {
					return name, byAncestors
				}
			}
		}
		if cur.ParentID == 0 || cur.ParentID == cur.ID {
			break
		}
		cur = t.byID[cur.ParentID]
	}
	return "", ""
}

// testFunc returns the name of the test, benchmark, fuzz target or example
// function that fn is, or is a closure inside: "TestServe" for
// "example.com/srv.TestServe.func1.2".
func testFunc(fn string) (string, bool) {
	rest := fn
	if slash := strings.LastIndexByte(rest, '/'); slash >= 0 {
		rest = rest[slash+1:]
	}
	dot := strings.IndexByte(rest, '.')
	if dot < 0 {
		return "", false
	}
	name := rest[dot+1:]
	if end := strings.IndexByte(name, '.'); end >= 0 {
		name = name[:end]
	}
	for _, prefix := range []string{"Test", "Benchmark", "Fuzz", "Example"} {
		if isTestName(name, prefix) {
			return name, true
		}
	}
	return "", false
}

// isTestName applies the go tool's rule: the prefix, then nothing or a
// character that is not a lower-case letter.
func isTestName(name, prefix string) bool {
	if !strings.HasPrefix(name, prefix) {
		return false
	}
	if len(name) == len(prefix) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(name[len(prefix):])
	return !unicode.IsLower(r)
}
