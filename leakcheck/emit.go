package leakcheck

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/explain"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/reportdir"
)

// Turning a verdict into what the person running the tests reads: the
// report text as the test error, GitHub annotations when running in GitHub
// Actions, and report files when asked for.

// outcome is a verdict in report form.
type outcome struct {
	// fail holds the goroutines that fail the check; nil when none do.
	fail *report.Report
	// noted holds survivors shown without failing (OnlyProvenLeaks); nil
	// when none.
	noted *report.Report
	// known holds leaks the baseline of known leaks lists, when none is
	// new: shown and written to report files, not failing. When some are
	// new, fail holds them all, each marked new or known.
	known *report.Report
	// note explains something about the verdict in one line, "" if nothing.
	note string
}

// judge builds the reports of a verdict: ignored patterns dropped, and with
// OnlyProvenLeaks, unproven survivors set apart.
func judge(cfg *config, v verdict, opts report.Options) outcome {
	var out outcome
	if len(v.leaks) == 0 {
		return out
	}
	failing, noted := v.leaks, []report.Leak(nil)
	switch {
	case cfg.onlyProven && v.proofAvailable:
		failing = nil
		for _, l := range v.leaks {
			if l.Goroutine.Leaked {
				failing = append(failing, l)
			} else {
				noted = append(noted, l)
			}
		}
	case cfg.onlyProven:
		out.note = "OnlyProvenLeaks has no effect here: this runtime cannot prove leaks (it needs Go 1.27, or Go 1.26 with GOEXPERIMENT=goroutineleakprofile), so every survivor fails the check."
	}
	out.fail = buildReport(failing, cfg, opts)
	if out.fail != nil {
		b, err := cfg.baseline()
		switch {
		case err != nil:
			out.note = joinNotes(out.note, fmt.Sprintf("The baseline of known leaks was not used, so every leak fails: %v", err))
		case b != nil && b.Mark(out.fail) == 0:
			out.known, out.fail = out.fail, nil
		}
	}
	if len(noted) > 0 {
		nopts := opts
		nopts.Title = opts.Title + " (still running, not proven leaked)"
		out.noted = buildReport(noted, cfg, nopts)
	}
	return out
}

func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

// buildReport makes the report of leaks, leaving out groups whose pattern
// the options ignore; nil when nothing is left.
func buildReport(leaks []report.Leak, cfg *config, opts report.Options) *report.Report {
	if len(leaks) == 0 {
		return nil
	}
	if opts.SourceRoots == nil {
		opts.SourceRoots = cfg.env.sourceRoots
	}
	r := report.New(leaks, opts)
	explain.Report(r, explain.Options{})
	if len(cfg.patterns) > 0 {
		r.Filter(func(g *report.Group) bool { return !cfg.patterns[g.Diagnosis.PatternID] })
	}
	if r.Total == 0 || len(r.Groups) == 0 {
		return nil
	}
	return r
}

// emit reports a test's verdict through t.
func emit(t testing.TB, cfg *config, v verdict, opts report.Options) {
	t.Helper()
	out := judge(cfg, v, opts)
	emitOrphans(t, cfg, v.orphans, opts)
	fail := deliver(cfg, opts.Package, out, testAudience{t}, intros{
		noted: "goroutines this test left running; they do not fail it because of OnlyProvenLeaks:",
		known: "goroutines this test left running, all known leaks in the baseline; they do not fail it:",
	})
	if fail == nil {
		return
	}
	msg := "leakcheck: goroutines started by this test are still running:\n" + reportText(fail)
	if out.note != "" {
		msg += "\n" + out.note
	}
	t.Errorf("%s", msg)
	noteReported(t.Name(), fail)
}

// testAudience carries a check's words to its test: reports that do not
// fail to the log, problems as errors.
type testAudience struct{ t testing.TB }

func (a testAudience) note(intro string, r *report.Report) {
	a.t.Helper()
	a.t.Logf("leakcheck: %s\n%s", intro, reportText(r))
}

func (a testAudience) problem(err error) {
	a.t.Helper()
	a.t.Errorf("leakcheck: %v", err)
}

// reportText renders a report as text; a rendering failure is shown in
// place of the text rather than lost.
func reportText(r *report.Report) string {
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		fmt.Fprintf(&buf, "\n(rendering the report failed: %v)\n", err)
	}
	return strings.TrimRight(buf.String(), "\n")
}

// annotate writes GitHub Actions annotations for r when running there, so
// the leaks show on the pull request's lines. They go to standard output,
// where the runner looks for them. Paths are relative to the repository's
// checkout (GITHUB_WORKSPACE), which is what GitHub resolves them against
// when the module is in a subdirectory.
func annotate(cfg *config, r *report.Report) {
	if !cfg.env.annotate {
		return
	}
	_ = r.WriteAnnotationsIn(os.Stdout, cfg.env.workspace)
}

// writeFiles writes report files when the ReportDir option or the
// LEAKHOUND_REPORT variable asks for them.
func writeFiles(cfg *config, pkg string, reports ...*report.Report) error {
	dir := cfg.env.reportDir
	if cfg.reportDir != "" {
		dir = reportdir.FromRoot(moduleRoot(), cfg.reportDir)
	}
	if dir == "" || len(reports) == 0 {
		return nil
	}
	doc, err := reportdir.WriteDirWith(dir, pkg, reports, reportdir.WriteOptions{Shard: cfg.env.shard})
	if err != nil {
		return fmt.Errorf("writing report files to %s: %w", dir, err)
	}
	// In GitHub Actions the package's summary also goes to the job's
	// step summary, once per package.
	if cfg.env.stepSummary != "" {
		if err := reportdir.WritePackageSummary(cfg.env.stepSummary, doc, cfg.env.artifact); err != nil {
			return fmt.Errorf("writing the step summary %s: %w", cfg.env.stepSummary, err)
		}
	}
	return nil
}

// emitOrphans reports, through t, the orphans a check did not keep as its
// test's own (see orphans.go): those it fails as their parent or as one of
// their candidates, and those it only shows. Neither report names a test
// as their starter: the parent's names the parent, the others none.
func emitOrphans(t testing.TB, cfg *config, ov orphanVerdict, opts report.Options) {
	t.Helper()
	shown := opts
	shown.Title = "goroutines that appeared while " + strings.Join(ov.shownCands, ", ") + " ran"
	if r := buildReport(ov.shown, cfg, shown); r != nil {
		t.Logf("%s\n%s", shownMsg(r.Total, ov.shownCands, ov.fates), reportText(r))
	}
	if r := buildReport(ov.asParent, cfg, opts); r != nil {
		t.Errorf("%s\n%s", parentMsg(t.Name(), r.Total, ov.parentCands), reportText(r))
		noteReported(t.Name(), r)
	}
	cand := opts
	cand.Title = "goroutines that appeared while " + strings.Join(ov.candidateCands, ", ") + " ran"
	if r := buildReport(ov.asCandidate, cfg, cand); r != nil {
		t.Errorf("%s\n%s", candidateMsg(r.Total, ov.candidateCands), reportText(r))
		noteReported(t.Name(), r)
	}
}
