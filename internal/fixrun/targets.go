package fixrun

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// target is a set of leaking tests of one package and the groups they
// left behind: a candidate is verified against exactly these tests.
type target struct {
	pkg     string
	tests   []string // the leaking tests; none when the report named none
	run     string   // the -run pattern for them
	groups  []*report.Group
	reports []*report.Report // reports[i] holds groups[i]
	results []*GroupResult
}

// targets groups the first run's leaks by package and test, and says
// which packages and tests it cannot judge candidates with.
func (s *session) targets() ([]*target, []string) {
	var notes []string
	for pkg, out := range s.baseline.broken {
		notes = append(notes, fmt.Sprintf("%s fails before any edit without a failing test (it does not build, or its TestMain fails), so fix skips it:\n%s", pkg, clip(out, 12)))
	}
	if s.baseline.timedOut {
		notes = append(notes, fmt.Sprintf("the tests did not finish within %v before any edit; raise -timeout", s.opts.Timeout))
	}
	byKey := map[string]*target{}
	var list []*target
	leaking := map[string][]string{} // package → leaking top-level tests
	for _, doc := range s.baseline.docs {
		if _, ok := s.pkgs[doc.Package]; !ok || s.baseline.broken[doc.Package] != "" {
			continue
		}
		for _, r := range doc.Reports {
			for _, g := range r.Groups {
				tests := slices.Clone(g.Tests)
				if len(tests) == 0 && s.ranTest(doc.Package, r.Title) {
					tests = []string{r.Title}
				}
				run := s.opts.Run
				if len(tests) > 0 {
					run = runPattern(tests)
				}
				key := doc.Package + "\x00" + run
				t := byKey[key]
				if t == nil {
					t = &target{pkg: doc.Package, tests: tests, run: run}
					byKey[key] = t
					list = append(list, t)
				}
				if slices.ContainsFunc(t.groups, func(o *report.Group) bool { return o.Fingerprint() == g.Fingerprint() }) {
					continue
				}
				t.groups = append(t.groups, g)
				t.reports = append(t.reports, r)
				for _, name := range tests {
					leaking[doc.Package] = appendOnce(leaking[doc.Package], topTest(name))
				}
			}
		}
	}
	for pkg, failed := range s.baseline.failed {
		var without []string
		for _, name := range failed {
			if !slices.Contains(leaking[pkg], topTest(name)) && !strings.Contains(name, "/") {
				without = append(without, name)
			}
		}
		if len(without) > 0 {
			slices.Sort(without)
			notes = append(notes, fmt.Sprintf("%s: %s already fail(s) before any edit, without a leak; fix does not count them against a candidate", pkg, strings.Join(without, ", ")))
		}
	}
	slices.Sort(notes)
	return list, notes
}

// ranTest reports whether the first run ran the named test in pkg.
func (s *session) ranTest(pkg, name string) bool {
	return name != "" && (slices.Contains(s.baseline.failed[pkg], name) || slices.Contains(s.baseline.passed[pkg], name))
}

// otherTests reports whether pkg has tests outside t's that the first
// run ran: they must still pass with a candidate applied.
func (s *session) otherTests(t *target) bool {
	if len(t.tests) == 0 {
		return false
	}
	var tops []string
	for _, name := range t.tests {
		tops = append(tops, topTest(name))
	}
	for _, list := range [][]string{s.baseline.passed[t.pkg], s.baseline.failed[t.pkg]} {
		for _, name := range list {
			if !slices.Contains(tops, topTest(name)) {
				return true
			}
		}
	}
	return false
}

// clip keeps the first n lines of text.
func clip(text string, n int) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("… (%d more lines)", len(lines)-n))
	}
	return strings.Join(lines, "\n")
}
