package fixrun

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/editverify"
	"github.com/leakhound/leakhound/report"
)

// fixTarget tries the target's candidates in order until one is verified
// and records the outcome on each of its groups.
func (s *session) fixTarget(ctx context.Context, t *target) error {
	cands := s.candidates(t)
	var attempts []*Attempt
	var verified *Attempt
	for i, c := range cands {
		a := &Attempt{Summary: c.summary, From: c.from, Edits: c.edits, Lines: c.lines}
		attempts = append(attempts, a)
		if why := s.refusal(c); why != "" {
			a.Outcome, a.Detail = OutcomeRefused, why
			continue
		}
		s.say("%s %s: candidate %d of %d, %s: %s", t.pkg, testsWords(t), i+1, len(cands), c.from, c.summary)
		err := s.verify(ctx, t, c, a)
		switch {
		case errors.Is(err, errRunCap):
			a.Outcome, a.Detail = OutcomeNotRun, err.Error()
		case err != nil:
			return err
		}
		s.say("%s %s: candidate %d of %d: %s", t.pkg, testsWords(t), i+1, len(cands), a.Outcome)
		if a.Outcome == OutcomeVerified {
			verified = a
			break
		}
	}
	for i, g := range t.groups {
		gr := &GroupResult{
			Package: t.pkg, Tests: t.tests, Where: s.where(g), Count: g.Count,
			Reason: string(g.Reason), Pattern: g.Diagnosis.PatternID, Summary: g.Diagnosis.Summary,
			NoEdit: g.Diagnosis.NoEdit, Verified: verified,
		}
		if _, ok := report.PatternByID(g.Diagnosis.PatternID); ok {
			gr.Shape = g.Diagnosis.FixText()
		}
		for _, a := range attempts {
			if a != verified {
				gr.Tried = append(gr.Tried, a)
			}
		}
		check := &report.EditCheck{Command: report.FixCommandFor(t.pkg, t.tests)}
		if g.Diagnosis.Suggestion != nil {
			own := editsKey(uniqueEdits(g.Diagnosis.Suggestion.Edits))
			for _, a := range attempts {
				if editsKey(a.Edits) == own {
					check.Outcome, check.Detail = string(a.Outcome), a.Detail
				}
			}
		}
		t.reports[i].Groups[slices.Index(t.reports[i].Groups, g)].EditCheck = check
		t.results = append(t.results, gr)
	}
	return nil
}

// verify applies c through an overlay and runs the checks in order,
// cheapest verdict first: the leaking tests -count=N (the build, the
// leak), go vet, then the package's other tests. It sets a's outcome.
func (s *session) verify(ctx context.Context, t *target, c *candidate, a *Attempt) error {
	start, runs := time.Now(), s.gorun.used()
	defer func() { a.Elapsed, a.Runs = time.Since(start), s.gorun.used()-runs }()
	dir, err := os.MkdirTemp(s.tmp, "overlay-")
	if err != nil {
		return fmt.Errorf("creating a temporary overlay: %w", err)
	}
	edited, err := report.EditFiles(c.edits)
	if err != nil {
		a.Outcome, a.Detail = OutcomeBuild, err.Error()
		return nil
	}
	overlay, err := editverify.Overlay(dir, edited, nil)
	if err != nil {
		a.Outcome, a.Detail = OutcomeBuild, err.Error()
		return nil
	}

	s.say("  go test -count=%d -run '%s' %s", s.opts.Count, t.run, t.pkg)
	tr, err := s.runTests(ctx, []string{t.pkg}, t.run, s.opts.Count, overlay)
	if err != nil {
		if errors.Is(err, errRunCap) || ctx.Err() != nil {
			return err
		}
		a.Outcome, a.Detail = OutcomeBuild, err.Error()
		return nil
	}
	if out := tr.broken[t.pkg]; out != "" {
		a.Outcome, a.Detail = OutcomeBuild, clip(out, 15)
		if tr.timedOut {
			a.Outcome = OutcomeTimeout
		}
		return nil
	}
	if still := s.stillLeaks(tr); still != "" {
		a.Outcome, a.Detail = OutcomeStillLeaks, still
		return nil
	}
	if failed := tr.failed[t.pkg]; len(failed) > 0 || tr.timedOut {
		a.Outcome, a.Detail = OutcomeBreaks, brokeDetail(tr, t.pkg, failed)
		if tr.timedOut {
			a.Outcome = OutcomeTimeout
		}
		return nil
	}

	s.say("  go vet %s", t.pkg)
	base, err := s.baseVet(ctx, t.pkg)
	if err != nil {
		return err
	}
	now, err := s.vetFindings(ctx, t.pkg, overlay)
	if err != nil {
		return err
	}
	if added := editverify.NewFindings(now, base); len(added) > 0 {
		a.Outcome, a.Detail = OutcomeVet, strings.Join(added, "\n")
		return nil
	}

	if s.otherTests(t) {
		s.say("  go test %s (the package's other tests)", t.pkg)
		tr, err := s.runTests(ctx, []string{t.pkg}, s.opts.Run, 1, overlay)
		if err != nil {
			if errors.Is(err, errRunCap) || ctx.Err() != nil {
				return err
			}
			a.Outcome, a.Detail = OutcomeBuild, err.Error()
			return nil
		}
		var broke []string
		for _, name := range tr.failed[t.pkg] {
			if !slices.Contains(s.baseline.failed[t.pkg], name) {
				broke = append(broke, name)
			}
		}
		if len(broke) > 0 || tr.broken[t.pkg] != "" {
			a.Outcome, a.Detail = OutcomeBreaks, brokeDetail(tr, t.pkg, broke)
			return nil
		}
	}
	a.OtherTests = s.otherTests(t)
	if a.ChangesAPI = apiChanges(c.edits); len(a.ChangesAPI) > 0 {
		broke, err := s.moduleVet(ctx, t.pkg, overlay)
		if err != nil {
			return err
		}
		if broke != "" {
			a.Outcome = OutcomeBuild
			a.Detail = "it changes an exported signature (" + strings.Join(a.ChangesAPI, "; ") + ") and the module's other packages no longer build or vet:\n" + broke
			return nil
		}
	}
	a.Outcome = OutcomeVerified
	return nil
}

// stillLeaks says where the goroutines of a run's leak reports block, ""
// when the run reported no leak.
func (s *session) stillLeaks(tr *testRun) string {
	var where []string
	for _, d := range tr.docs {
		for _, r := range d.Reports {
			for _, g := range r.Groups {
				where = appendOnce(where, fmt.Sprintf("%d goroutine(s) still %s at %s", g.Count, g.Reason, s.where(g)))
			}
		}
	}
	return strings.Join(where, "\n")
}

// brokeDetail names the failed tests with the start of their output.
func brokeDetail(tr *testRun, pkg string, failed []string) string {
	var b strings.Builder
	if out := tr.broken[pkg]; out != "" {
		b.WriteString(clip(out, 10))
	}
	for _, name := range failed {
		if strings.Contains(name, "/") && slices.Contains(failed, topTest(name)) {
			continue // the parent's output holds it
		}
		fmt.Fprintf(&b, "breaks %s", name)
		if out := tr.output[pkg][name]; out != "" {
			b.WriteString(":\n" + clip(out, 8))
		}
		b.WriteString("\n")
	}
	if tr.timedOut {
		b.WriteString("the run did not finish within -timeout\n")
	}
	return strings.TrimSpace(b.String())
}

// baseVet is pkg's go vet findings before any edit, run once.
func (s *session) baseVet(ctx context.Context, pkg string) ([]string, error) {
	if v, ok := s.vet[pkg]; ok {
		return v, nil
	}
	v, err := s.vetFindings(ctx, pkg, "")
	if err == nil {
		s.vet[pkg] = v
	}
	return v, err
}

// vetFindings runs go vet on pkg and returns its findings without their
// positions (edits move lines), one per line.
func (s *session) vetFindings(ctx context.Context, pkg, overlay string) ([]string, error) {
	args := append([]string{"vet"}, s.buildFlags()...)
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	res, err := s.gorun.run(ctx, nil, append(args, pkg)...)
	if err != nil {
		return nil, err
	}
	found := editverify.Findings(res.out)
	if res.timedOut {
		found = append(found, "go vet did not finish within -timeout")
	}
	return found, nil
}

// moduleVet checks a candidate that changes an exported signature against
// the whole module: every package, tests included, must still build and
// add no go vet finding. It returns what broke, "" when nothing did.
func (s *session) moduleVet(ctx context.Context, pkg, overlay string) (string, error) {
	p := s.pkgs[pkg]
	if p == nil || p.Module == nil {
		return "", nil
	}
	all := p.Module.Path + "/..."
	base, err := s.baseVet(ctx, all)
	if err != nil {
		return "", err
	}
	s.say("  go vet %s (the edit changes an exported signature)", all)
	now, err := s.vetFindings(ctx, all, overlay)
	if err != nil {
		return "", err
	}
	return strings.Join(editverify.NewFindings(now, base), "\n"), nil
}
