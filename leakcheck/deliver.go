package leakcheck

import "github.com/leakhound/leakhound/report"

// Every check ends the same way, whichever entry point asked for it (Check,
// Find and VerifyNone, VerifyTestMain): the reports that do not fail are
// shown, the failing one is annotated for GitHub Actions, and both go to
// the report files. deliver is that one path; an audience says where its
// words go, since a test's log, an error value and TestMain's standard
// error each carry them their own way.

// audience is where a check's words go.
type audience interface {
	// note shows a report that does not fail the check, under intro.
	note(intro string, r *report.Report)
	// problem reports something that went wrong on the way, such as report
	// files that could not be written.
	problem(err error)
}

// intros are the first lines of the reports that do not fail, as each
// entry point words them.
type intros struct {
	noted, known string
}

// deliver shows the reports of out that do not fail, annotates the failing
// one and writes report files for both, and returns the failing report (nil
// when none). The failure itself is the caller's to word: a test error, an
// error value or an exit code.
func deliver(cfg *config, pkg string, out outcome, to audience, in intros) *report.Report {
	if out.noted != nil {
		to.note(in.noted, out.noted)
	}
	if out.known != nil {
		to.note(in.known, out.known)
		if err := writeFiles(cfg, pkg, out.known); err != nil {
			to.problem(err)
		}
	}
	if out.fail == nil {
		return nil
	}
	annotate(cfg, out.fail)
	if err := writeFiles(cfg, pkg, out.fail); err != nil {
		to.problem(err)
	}
	return out.fail
}
