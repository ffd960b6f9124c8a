// Package harness runs the leaky examples under observation: it starts a
// scenario with its goroutines labelled, waits for them to settle where they
// block, captures them and explains them with package report. The example
// tests and the demo share it, so both see the leaks the same way.
package harness

import (
	"strings"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// Scenario is one documented leak pattern as an example package runs it.
type Scenario struct {
	// Name is the example's folder under examples/, e.g. "workerpool".
	Name string
	// Title says in a few words what leaks.
	Title string
	// Reason is the blocking reason leakhound should classify the leaked
	// goroutines with.
	Reason report.Reason
	// PatternID is the catalog pattern leakhound should diagnose.
	PatternID string
	// Leak runs the leaky version the way its callers would, returning once
	// the caller has moved on and left goroutines behind. The func it
	// returns releases those goroutines; it exists only so tests and the
	// demo can clean up, and must be called exactly once.
	Leak func() (release func(), err error)
	// Fixed runs the fixed version through the same steps. Once it has
	// returned, every goroutine it started (that Keep accepts) ends by
	// itself; the func it returns only stops what the scenario set up
	// around them (servers, workers), and must be called exactly once.
	Fixed func() (release func(), err error)
	// Edited runs the leaky version's steps like Leak, without asserting
	// that it leaks, for checking leakhound's suggested edits: with the
	// edits applied to leaky.go, every goroutine it starts (that Keep
	// accepts) must end by itself. Its release may assume they did. Nil
	// means Leak serves, its release being safe either way.
	Edited func() (release func(), err error)
	// Keep, when set, picks the leaked goroutines out of everything the
	// scenario started: the servers and workers a scenario runs to set the
	// stage are alive on purpose and are not part of the lesson. Nil keeps
	// them all.
	Keep func(g *profile.Goroutine) bool
}

// InFunc returns a Keep filter that accepts goroutines with a frame whose
// function name contains name, e.g. "(*Server).LeakyReport".
func InFunc(name string) func(g *profile.Goroutine) bool {
	return func(g *profile.Goroutine) bool {
		for _, f := range g.Frames {
			if strings.Contains(f.Func, name) {
				return true
			}
		}
		return false
	}
}
