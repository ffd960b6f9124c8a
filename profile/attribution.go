package profile

import "strings"

// Attribution says how a goroutine was tied to the test that started it.
type Attribution string

// The ways a goroutine is tied to its test, most certain first. Their
// string values are stable: reports write them.
const (
	// ByLabel: the goroutine carries the test's TestLabelKey label.
	ByLabel Attribution = "label"
	// ByCreator: the goroutine, or one up its chain of creators, was
	// started by the test's goroutine.
	ByCreator Attribution = "creator"
	// ByAncestors: the creation stacks the runtime kept under
	// GODEBUG=tracebackancestors lead to the test.
	ByAncestors Attribution = "ancestors"
	// ByAlone: the goroutine's creator chain ends outside any test (a
	// timer, a finalizer, a creator that returned), and it appeared while
	// exactly one checked test was running.
	ByAlone Attribution = "alone"
	// ByParent: like ByAlone, but it appeared while several checked tests
	// ran, all this test or its subtests: the test owns it, and which of
	// its subtests started it is not known.
	ByParent Attribution = "parent"
	// ByRerun: VerifyTestMain ran parts of the tests again, each in a copy
	// of the test binary, and only runs with this test left it.
	ByRerun Attribution = "rerun"
)

// TestTie is the test a goroutine belongs to and how that is known; the
// zero TestTie means no test is known.
type TestTie struct {
	Test string
	How  Attribution
}

// TestTies returns, for each goroutine of s (same index), the test that
// started it: the test its TestLabelKey label names, or, in the dump of a
// test binary that timed out, the running test whose goroutine started it,
// directly or through goroutines it started in turn. It returns nil when no
// goroutine has a test, as in most dumps, so those cost nothing.
func (s *Snapshot) TestTies() []TestTie {
	var ties []TestTie
	var byCreator map[int64]string
	if s.Context.Timeout != nil {
		byCreator = s.Context.Timeout.attribute(s.Goroutines)
	}
	for i, g := range s.Goroutines {
		// A label was put on while the test ran, so it beats inferring
		// the test from the creator chain.
		var tie TestTie
		if name := g.LabelledTest(); name != "" {
			tie = TestTie{name, ByLabel}
		} else if name, ok := byCreator[g.ID]; ok && g.ID != 0 {
			tie = TestTie{name, ByCreator}
		} else {
			continue
		}
		if ties == nil {
			ties = make([]TestTie, len(s.Goroutines))
		}
		ties[i] = tie
	}
	return ties
}

// attribute finds, for each running test, the goroutine that runs it and
// every goroutine started from it (transitively, by the creating
// goroutine's ID), and returns the test name per goroutine ID.
//
// A test's goroutine is one created by testing.(*T).Run; the frame just
// inside testing.tRunner is the test function. Top-level tests are matched
// by that function's name. A subtest runs a closure, so it is matched by its
// nesting: a goroutine n tests deep under its top-level test runs a listed
// test that has n listed tests above it. Subtest names may hold '/', so the
// nesting is read from the list, not from the slashes; only when the list
// lacks the parents (a test waiting for its parallel subtests is no longer
// listed) do the slashes count. When several listed subtests fit one
// goroutine (parallel subtests of one parent), it is attributed to the
// longest name they share.
func (t *TestTimeout) attribute(gs []*Goroutine) map[int64]string {
	byID := make(map[int64]*Goroutine, len(gs))
	for _, g := range gs {
		if g.ID != 0 {
			byID[g.ID] = g
		}
	}
	isTest := func(g *Goroutine) bool {
		return g.CreatedBy != nil && g.CreatedBy.Func == "testing.(*T).Run" && tRunnerCallee(g) != ""
	}
	// topAndDepth walks up through the goroutines of enclosing tests to the
	// top-level test's goroutine.
	topAndDepth := func(g *Goroutine) (*Goroutine, int) {
		depth := 0
		for seen := 0; seen < len(gs); seen++ {
			p := byID[g.ParentID]
			if p == nil || !isTest(p) {
				break
			}
			g, depth = p, depth+1
		}
		return g, depth
	}
	// listDepth is how many listed tests a listed test is nested in.
	listDepth := make([]int, len(t.Running))
	for i, rt := range t.Running {
		for _, other := range t.Running {
			if strings.HasPrefix(rt.Name, other.Name+"/") {
				listDepth[i]++
			}
		}
	}

	tests := make(map[int64]string)
	for _, g := range gs {
		if g.ID == 0 || !isTest(g) {
			continue
		}
		top, depth := topAndDepth(g)
		topName, _ := TestFunc(tRunnerCallee(top))
		var fits, bySlashes []string
		for i, rt := range t.Running {
			// A top-level test's name is its function's; a subtest's
			// starts with it.
			if depth == 0 && rt.Name != topName || depth > 0 && !strings.HasPrefix(rt.Name, topName+"/") {
				continue
			}
			if listDepth[i] == depth {
				fits = append(fits, rt.Name)
			}
			if strings.Count(rt.Name, "/") == depth {
				bySlashes = append(bySlashes, rt.Name)
			}
		}
		if len(fits) == 0 {
			fits = bySlashes
		}
		if len(fits) > 0 {
			tests[g.ID] = commonTestPrefix(fits)
		}
	}

	// Every other goroutine belongs to the test whose goroutine started it,
	// directly or through goroutines it started in turn.
	memo := make(map[int64]string, len(gs))
	var owner func(id int64, hops int) string
	owner = func(id int64, hops int) string {
		if name, ok := tests[id]; ok {
			return name
		}
		if name, ok := memo[id]; ok {
			return name
		}
		g := byID[id]
		if g == nil || g.ParentID == 0 || hops > len(gs) {
			return ""
		}
		name := owner(g.ParentID, hops+1)
		memo[id] = name
		return name
	}
	out := make(map[int64]string)
	for _, g := range gs {
		if g.ID == 0 {
			continue
		}
		if name := owner(g.ID, 0); name != "" {
			out[g.ID] = name
		}
	}
	return out
}

// tRunnerCallee returns the function testing.tRunner called: the test
// function or subtest closure; "" when tRunner is not on the stack.
func tRunnerCallee(g *Goroutine) string {
	for i, f := range g.Frames {
		if f.Func == "testing.tRunner" && i > 0 {
			return g.Frames[i-1].Func
		}
	}
	return ""
}

// commonTestPrefix returns the longest test name that all names are under:
// "TestX" for "TestX/a" and "TestX/b".
func commonTestPrefix(names []string) string {
	common := strings.Split(names[0], "/")
	for _, n := range names[1:] {
		parts := strings.Split(n, "/")
		k := 0
		for k < len(common) && k < len(parts) && common[k] == parts[k] {
			k++
		}
		common = common[:k]
	}
	return strings.Join(common, "/")
}
