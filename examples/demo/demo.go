package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/leakhound/leakhound/examples/deadlock"
	"github.com/leakhound/leakhound/examples/errgroupcancel"
	"github.com/leakhound/leakhound/examples/httpclient"
	"github.com/leakhound/leakhound/examples/httphandler"
	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/examples/mutex"
	"github.com/leakhound/leakhound/examples/nosender"
	"github.com/leakhound/leakhound/examples/selectloop"
	"github.com/leakhound/leakhound/examples/timeout"
	"github.com/leakhound/leakhound/examples/waitgroup"
	"github.com/leakhound/leakhound/examples/workerpool"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/reportdir"
)

// pkgPath is the import path the demo's reports are filed under in the
// report directory.
const pkgPath = "github.com/leakhound/leakhound/examples/demo"

// settleBudget bounds the wait for one example's goroutines to come to
// rest. They get there in milliseconds; the budget only matters on a
// machine so loaded that the demo would be slow anyway.
const settleBudget = 5 * time.Second

// scenarios lists the leaky examples in the order the demo runs them.
func scenarios() []harness.Scenario {
	return []harness.Scenario{
		httphandler.Scenario(),
		selectloop.Scenario(),
		nosender.Scenario(),
		deadlock.Scenario(),
		workerpool.Scenario(),
		waitgroup.Scenario(),
		errgroupcancel.Scenario(),
		timeout.Scenario(),
		httpclient.Scenario(),
		mutex.Scenario(),
	}
}

// run runs every scenario, writes the text report to w and the report
// files to dir, and releases every goroutine it leaked before returning.
func run(w io.Writer, dir string) (err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("report directory %q: %w", dir, err)
	}
	start := time.Now()
	list := scenarios()
	runs := make([]*harness.Run, 0, len(list))
	defer func() {
		if rerr := releaseAll(runs); err == nil {
			err = rerr
		}
	}()
	for _, s := range list {
		r, err := harness.Start(s)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}

	reports := make([]*report.Report, 0, len(runs))
	total := 0
	for _, r := range runs {
		gs, err := r.Settle(settleBudget, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", r.Scenario.Name, err)
		}
		rep := r.Report(gs)
		reports = append(reports, rep)
		total += rep.Total
	}

	fmt.Fprintf(w, "leakhound demo: %d leaky examples run in this process; %d goroutines leaked.\n\n",
		len(runs), total)
	if err := writeSummary(w, reports); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nEach report below is what a test using leakcheck.Check prints when it fails.\n\n")
	for _, rep := range reports {
		if err := rep.WriteText(w); err != nil {
			return fmt.Errorf("writing the %s report: %w", rep.Title, err)
		}
		fmt.Fprintln(w)
	}

	if err := reportdir.WriteDir(abs, pkgPath, reports); err != nil {
		return fmt.Errorf("writing the report files: %w", err)
	}
	if err := releaseAll(runs); err != nil {
		return err
	}
	runs = nil
	if err := checkFixed(w, list, settleBudget); err != nil {
		return err
	}
	index := filepath.Join(abs, "index.html")
	fmt.Fprintf(w, "HTML report: %s\n", index)
	fmt.Fprintf(w, "(JSON and a pprof profile of the leaks are beside it, in %s)\n", abs)
	fmt.Fprintf(w, "Done in %v; every leaked goroutine has been released.\n",
		time.Since(start).Round(time.Millisecond))
	return nil
}

// releaseAll releases every run and waits for their goroutines to end.
func releaseAll(runs []*harness.Run) error {
	var errs []error
	for _, r := range runs {
		if err := r.Release(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// writeSummary writes one line per report: the example, how many
// goroutines it leaked, why they block and the catalog patterns found.
func writeSummary(w io.Writer, reports []*report.Report) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  example\tleaked\tblocked on\tdiagnosis")
	for _, rep := range reports {
		var reasons, patterns []string
		for _, g := range rep.Groups {
			if !slices.Contains(reasons, string(g.Reason)) {
				reasons = append(reasons, string(g.Reason))
			}
			id := g.Diagnosis.PatternID
			if p, ok := report.PatternByID(id); ok && !slices.Contains(patterns, id+" "+p.Title) {
				patterns = append(patterns, id+" "+p.Title)
			}
		}
		name, _, _ := strings.Cut(rep.Title, ":")
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\n", name, rep.Total, strings.Join(reasons, ", "), strings.Join(patterns, "; "))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing the summary: %w", err)
	}
	return nil
}

// checkFixed runs every scenario's fixed version through the same steps,
// checks that each leaves no goroutine behind within budget, and says so on
// w.
func checkFixed(w io.Writer, list []harness.Scenario, budget time.Duration) error {
	var leaky []string
	for _, s := range list {
		r, err := harness.StartFixed(s)
		if err != nil {
			return err
		}
		gs, settleErr := r.Settle(budget, harness.Gone)
		if err := r.Release(); err != nil {
			return err
		}
		if settleErr != nil {
			leaky = append(leaky, fmt.Sprintf("%s (%d goroutines left)", s.Name, len(gs)))
		}
	}
	if len(leaky) > 0 {
		return fmt.Errorf("fixed versions left goroutines behind: %s", strings.Join(leaky, ", "))
	}
	fmt.Fprintf(w, "The fixed versions, run through the same steps: %d of %d leave no goroutine behind.\n",
		len(list), len(list))
	return nil
}
