package main

import (
	"strings"

	"github.com/leakhound/leakhound/profile"
)

// testTimeout is what the testing package printed when a test binary ran
// past its -timeout: how long it ran and which tests were still running.
type testTimeout struct {
	// after is the timeout as printed, "10m0s".
	after string
	// running are the tests that had not finished, in the printed order.
	running []runningTest
}

// runningTest is one line under "running tests:".
type runningTest struct {
	name    string // "TestX" or "TestX/sub"
	elapsed string // "10m0s", "" when not printed
}

// timeoutPrefix starts the panic the testing package raises on -timeout.
const timeoutPrefix = "panic: test timed out after "

// findTimeout looks for the test-timeout panic in the lines a dump had
// outside its goroutines. It returns nil when the dump is not from a timed
// out test.
func findTimeout(text []string) *testTimeout {
	var t *testTimeout
	inList := false
	for _, line := range text {
		trimmed := strings.TrimSpace(line)
		if t == nil {
			if after, ok := strings.CutPrefix(trimmed, timeoutPrefix); ok {
				t = &testTimeout{after: after}
			}
			continue
		}
		if trimmed == "running tests:" {
			inList = true
			continue
		}
		if !inList {
			continue
		}
		rt, ok := parseRunningTest(trimmed)
		if !ok {
			break
		}
		t.running = append(t.running, rt)
	}
	return t
}

// parseRunningTest reads "TestX/sub (1m0s)"; test names hold no spaces
// (the testing package rewrites them to underscores).
func parseRunningTest(s string) (runningTest, bool) {
	name, rest, _ := strings.Cut(s, " ")
	if !isTestName(name) {
		return runningTest{}, false
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return runningTest{name: name}, true
	}
	if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
		return runningTest{}, false
	}
	return runningTest{name: name, elapsed: rest[1 : len(rest)-1]}, true
}

// isTestName reports whether s can name a test: the testing package runs
// only functions named Test…, Fuzz…, Benchmark… and Example…, and their
// subtests, whose names hold no white space.
func isTestName(s string) bool {
	if strings.ContainsAny(s, " \t:") {
		return false
	}
	for _, p := range []string{"Test", "Fuzz", "Benchmark", "Example"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// names lists the running tests with their elapsed time, for the report's
// first line.
func (t *testTimeout) names() string {
	parts := make([]string, len(t.running))
	for i, rt := range t.running {
		parts[i] = rt.name
		if rt.elapsed != "" {
			parts[i] += " (" + rt.elapsed + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// attribute finds, for each running test, the goroutine that runs it and
// every goroutine started from it (transitively, by the creating goroutine's
// ID), and returns the test name per goroutine ID.
//
// A test's goroutine is one created by testing.(*T).Run; the frame just
// inside testing.tRunner is the test function. Top-level tests are matched
// by that function's name; a subtest runs a closure, so it is matched by its
// nesting depth under its top-level test instead. When several running
// subtests fit one goroutine (parallel subtests of one parent), it is
// attributed to the longest name they share.
func (t *testTimeout) attribute(gs []*profile.Goroutine) map[int64]string {
	byID := make(map[int64]*profile.Goroutine, len(gs))
	for _, g := range gs {
		if g.ID != 0 {
			byID[g.ID] = g
		}
	}
	isTest := func(g *profile.Goroutine) bool {
		return g.CreatedBy != nil && g.CreatedBy.Func == "testing.(*T).Run" && testFunc(g) != ""
	}
	// topAndDepth walks up through the goroutines of enclosing tests to the
	// top-level test's goroutine.
	topAndDepth := func(g *profile.Goroutine) (*profile.Goroutine, int) {
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

	tests := make(map[int64]string)
	for _, g := range gs {
		if g.ID == 0 || !isTest(g) {
			continue
		}
		top, depth := topAndDepth(g)
		topName := funcName(testFunc(top))
		var fits []string
		for _, rt := range t.running {
			first, _, _ := strings.Cut(rt.name, "/")
			if first == topName && strings.Count(rt.name, "/") == depth {
				fits = append(fits, rt.name)
			}
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

// testFunc returns the function testing.tRunner called: the test function
// or subtest closure; "" when tRunner is not on the stack.
func testFunc(g *profile.Goroutine) string {
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
