package leakcheck

import "github.com/leakhound/leakhound/profile"

// byOrphan marks, inside a check, a goroutine whose creator chain ends
// outside any goroutine (a timer, a finalizer, a creator that has
// returned); see orphans.go for whose it is. It never reaches a report:
// the check replaces it with profile.ByAlone or drops the goroutine.
const byOrphan profile.Attribution = "orphan"

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
// construction; an unlabelled one is new when its ID is not among the IDs
// taken at Check (see baseline.go). IDs decide alone: no count or ID order
// can tell a goroutine started before Check from one started after it.
type owner struct {
	label   string // this run's label value
	testGID int64  // the test goroutine, as Check saw it
	before  *idLook
	byID    map[int64]*profile.Goroutine
	memo    map[int64]profile.Attribution // goroutine ID → attribution, "" = not ours
}

// newOwner decides for the capture s, before holding at least the IDs of
// the goroutines alive at Check.
func newOwner(label string, testGID int64, before *idLook, s *profile.Snapshot) *owner {
	o := &owner{
		label:   label,
		testGID: testGID,
		before:  before,
		byID:    make(map[int64]*profile.Goroutine, len(s.Goroutines)),
		memo:    make(map[int64]profile.Attribution),
	}
	for _, g := range s.Goroutines {
		if g.ID != 0 {
			o.byID[g.ID] = g
		}
	}
	return o
}

// fresh reports whether g was created after Check.
func (o *owner) fresh(g *profile.Goroutine) bool {
	return g.ID != 0 && !o.before.has(g.ID)
}

// of returns how g is tied to the test, or "" when it is not the test's.
func (o *owner) of(g *profile.Goroutine) profile.Attribution {
	how, _ := o.walk(g, 0)
	return how
}

func (o *owner) walk(g *profile.Goroutine, depth int) (profile.Attribution, bool) {
	if v, ok := g.Labels[LabelKey]; ok {
		if v == o.label {
			return profile.ByLabel, true
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

// unlabelled follows the creator chain of a goroutine without a leakhound
// label. A chain that ends outside any goroutine the capture shows (a timer
// or the runtime started it, or its creator has returned) makes it an
// orphan: the check decides whose it is (see orphans.go).
func (o *owner) unlabelled(g *profile.Goroutine, depth int) profile.Attribution {
	if !o.fresh(g) {
		return ""
	}
	if o.testGID != 0 && g.ParentID == o.testGID {
		return profile.ByCreator
	}
	for _, a := range g.Ancestors {
		if o.testGID != 0 && a.ID == o.testGID {
			return profile.ByAncestors
		}
	}
	if depth >= maxChain || g.ParentID == g.ID {
		return ""
	}
	parent, ok := o.byID[g.ParentID]
	switch {
	case g.ParentID == 0:
		// No goroutine created it: the runtime's timer did.
		return byOrphan
	case o.before.has(g.ParentID) && !(ok && runtimeOnly(parent)):
		// Its creator existed at Check and is not the test goroutine, so
		// it is not the test's, alive or returned: the same verdict a live
		// creator gets below, and what a worker started before Check gets
		// for the goroutines it starts. The runtime's own goroutines
		// (finalizers, cleanups) are the exception: what they start is
		// judged as an orphan.
		return ""
	case !ok || isMachinery(parent):
		return byOrphan
	}
	switch how, _ := o.walk(parent, depth+1); how {
	case "":
		return ""
	case byOrphan:
		return byOrphan
	default:
		return profile.ByCreator
	}
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
func (t *testTie) of(g *profile.Goroutine) (test string, how profile.Attribution) {
	seen := 0
	for cur := g; cur != nil && seen < maxChain; seen++ {
		if v, ok := cur.Labels[LabelKey]; ok {
			return profile.TestOfLabel(v), profile.ByLabel
		}
		if cur.CreatedBy != nil {
			if name, ok := profile.TestFunc(cur.CreatedBy.Func); ok {
				return name, profile.ByCreator
			}
		}
		if cur != g {
			// A live ancestor may itself be running inside a test function.
			for _, f := range cur.Frames {
				if name, ok := profile.TestFunc(f.Func); ok {
					return name, profile.ByCreator
				}
			}
		}
		for _, a := range cur.Ancestors {
			for _, f := range a.Frames {
				if name, ok := profile.TestFunc(f.Func); ok {
					return name, profile.ByAncestors
				}
			}
			if a.CreatedBy != nil {
				if name, ok := profile.TestFunc(a.CreatedBy.Func); ok {
					return name, profile.ByAncestors
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
