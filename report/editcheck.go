package report

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// EditCheck is what `leakhound fix` found when it applied a group's
// suggested edit to a copy of the code and ran the test that leaked
// again. A group whose edit fix has not tried has no EditCheck: reports
// made at test time show its edit as unverified, with the command that
// verifies it.
type EditCheck struct {
	// Outcome is fix's verdict on the edit: OutcomeVerified when the
	// package builds and vets with it, the test passes every run with no
	// leak and the package's other tests still pass; otherwise what went
	// wrong ("still leaks", "breaks the build", "breaks a test"); "" when
	// fix did not get to try it.
	Outcome string
	// Detail is the evidence for Outcome (where the goroutines still
	// block, the compiler's error, the failing test).
	Detail string
	// Command is the leakhound fix command that checks the edit again.
	Command string
}

// EditVerified is EditCheck.Outcome for an edit fix verified.
const EditVerified = "verified"

// Verified reports whether fix verified the edit.
func (c *EditCheck) Verified() bool { return c != nil && c.Outcome == EditVerified }

// TestsPattern is the go test -run pattern that runs exactly the named
// tests' top-level tests (a subtest runs with its parent).
func TestsPattern(tests []string) string {
	var tops []string
	for _, t := range tests {
		top, _, _ := strings.Cut(t, "/")
		if q := regexp.QuoteMeta(top); !slices.Contains(tops, q) {
			tops = append(tops, q)
		}
	}
	slices.Sort(tops)
	return "^(" + strings.Join(tops, "|") + ")$"
}

// FixCommand is the leakhound fix command that applies g's suggested edit
// and reruns the tests that leaked: the check's own command when fix ran,
// else one built from the report's package and the group's tests.
func (r *Report) FixCommand(g *Group) string {
	if g.EditCheck != nil && g.EditCheck.Command != "" {
		return g.EditCheck.Command
	}
	pkg := r.Package
	if pkg == "" {
		pkg = "./..."
	}
	return FixCommandFor(pkg, g.Tests)
}

// FixCommandFor is the leakhound fix command for the named tests of a
// package (all of its tests when none is named).
func FixCommandFor(pkg string, tests []string) string {
	if len(tests) == 0 {
		return "leakhound fix " + pkg
	}
	return fmt.Sprintf("leakhound fix -run '%s' %s", TestsPattern(tests), pkg)
}

// editCheckLine says in one line whether g's suggested edit is verified,
// for the text report and the HTML page; "" when g has no suggestion.
func (r *Report) editCheckLine(g *Group) string {
	if g.Diagnosis.Suggestion == nil {
		return ""
	}
	switch c := g.EditCheck; {
	case c.Verified():
		return "verified by leakhound fix: with it applied the test passes every run with no leak"
	case c != nil && c.Outcome != "":
		return "not verified: leakhound fix found it " + c.Outcome
	}
	return "unverified; " + r.FixCommand(g) + " applies it to a copy and reruns the test"
}
