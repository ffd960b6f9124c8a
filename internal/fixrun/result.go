package fixrun

import (
	"time"

	"github.com/leakhound/leakhound/report"
)

// Outcome is what trying one candidate found.
type Outcome string

// The outcomes of a candidate. Only OutcomeVerified makes a patch that
// fix prints as verified or writes.
const (
	OutcomeVerified   Outcome = report.EditVerified
	OutcomeStillLeaks Outcome = "still leaks"
	OutcomeBuild      Outcome = "breaks the build"
	OutcomeVet        Outcome = "adds a go vet finding"
	OutcomeBreaks     Outcome = "breaks a test"
	OutcomeTimeout    Outcome = "times out"
	OutcomeRefused    Outcome = "not tried"
	OutcomeNotRun     Outcome = "not run"
)

// Result is what a fix session found and verified.
type Result struct {
	// Module is the module root: diff paths are relative to it, and -w
	// writes nowhere else.
	Module string
	// Groups are the leaking groups, by package and place.
	Groups []*GroupResult
	// Notes are what the session could not use or judge, for the reader:
	// packages skipped, tests that fail without a leak, a dirty tree.
	Notes []string
	// Runs is the number of go commands the session ran.
	Runs int
	// Elapsed is the session's wall time.
	Elapsed time.Duration
	// Reports are the leak reports of the first run, each group's
	// suggestion marked verified or not (report.Group.EditCheck), for the
	// HTML report.
	Reports []*report.Report
}

// GroupResult is one leaking group and what fix found for it.
type GroupResult struct {
	// Package is the import path of the package whose tests leaked.
	Package string `json:"package"`
	// Tests are the tests that left the group behind.
	Tests []string `json:"tests"`
	// Where is the blocking line, relative to the module root.
	Where string `json:"where"`
	// Count is the number of goroutines in the group.
	Count int `json:"count"`
	// Reason, Pattern and Summary are the report's diagnosis.
	Reason  string `json:"reason"`
	Pattern string `json:"pattern,omitempty"`
	Summary string `json:"summary"`
	// Verified is the candidate that passed every check, nil when none did.
	Verified *Attempt `json:"-"`
	// Tried are the candidates tried and failed, in order.
	Tried []*Attempt `json:"-"`
	// NoEdit is why the report suggests no edit for the group.
	NoEdit string `json:"no_edit,omitempty"`
	// Shape is the fix in words, shown when nothing was verified: the
	// shape of a change fix cannot make (a context parameter, a Stop
	// method the type lacks).
	Shape string `json:"shape,omitempty"`
}

// Attempt is one candidate and what trying it found.
type Attempt struct {
	// Summary says what the candidate's edits do.
	Summary string `json:"summary"`
	// From says where the candidate comes from: the group's suggestion,
	// or the suggestions of every group of the test together.
	From string `json:"from"`
	// Edits are the candidate's changes, in file order.
	Edits []report.Edit `json:"-"`
	// Lines shows each edit on one line, as the text report does.
	Lines []string `json:"lines,omitempty"`
	// Outcome is what the checks found; Detail the evidence (the test's
	// output, the compiler's error, where the goroutines still block).
	Outcome Outcome `json:"outcome"`
	Detail  string  `json:"detail,omitempty"`
	// ChangesAPI lists the exported signatures the edits change; a
	// verified candidate that changes them says so.
	ChangesAPI []string `json:"changes_api,omitempty"`
	// OtherTests says the package's other tests ran with the candidate
	// applied (there were some) and still passed.
	OtherTests bool `json:"other_tests"`
	// Runs and Elapsed are the go commands the checks ran and their time.
	Runs    int           `json:"runs"`
	Elapsed time.Duration `json:"-"`
}

// VerifiedEdits returns the edits of every verified candidate, each once,
// in file order.
func (r *Result) VerifiedEdits() []report.Edit {
	var all []report.Edit
	for _, g := range r.Groups {
		if g.Verified != nil {
			all = append(all, g.Verified.Edits...)
		}
	}
	return uniqueEdits(all)
}

// Unverified returns the groups with no verified candidate.
func (r *Result) Unverified() []*GroupResult {
	var out []*GroupResult
	for _, g := range r.Groups {
		if g.Verified == nil {
			out = append(out, g)
		}
	}
	return out
}
