package main

import (
	"fmt"
	"io"
	"path/filepath"
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
		for _, r := range runs {
			if rerr := r.Release(); rerr != nil && err == nil {
				err = rerr
			}
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

	fmt.Fprintf(w, "leakhound demo: %d leaky examples run in this process; %d goroutines leaked.\n",
		len(runs), total)
	fmt.Fprintf(w, "Each report below is what a test using leakcheck.Check would print.\n\n")
	for _, rep := range reports {
		if err := rep.WriteText(w); err != nil {
			return fmt.Errorf("writing the %s report: %w", rep.Title, err)
		}
		fmt.Fprintln(w)
	}

	if err := report.WriteDir(abs, pkgPath, reports); err != nil {
		return fmt.Errorf("writing the report files: %w", err)
	}
	index := filepath.Join(abs, "index.html")
	fmt.Fprintf(w, "HTML report: %s\n", index)
	fmt.Fprintf(w, "(JSON and a pprof profile of the leaks are beside it, in %s)\n", abs)
	fmt.Fprintf(w, "Done in %v; every leaked goroutine is released before exit.\n",
		time.Since(start).Round(time.Millisecond))
	return nil
}
