package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/words"

	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/reportdir"
)

// exitSkipped means merge wrote its report but left out torn shards, so
// packages may be missing; it wins over exitFound, since a report with
// holes should not pass for a complete one.
const exitSkipped = 3

// mergeFlags holds the parsed flags of "leakhound merge".
type mergeFlags struct {
	fs            *flag.FlagSet
	out           string
	known         string
	writeBaseline string
	summary       string
	artifact      string
	fail          bool
	allowEmpty    bool
	tolerance     optionalFloat
}

// optionalFloat is a number flag that may be left unset.
type optionalFloat struct {
	v   float64
	set bool
}

func (o *optionalFloat) String() string {
	if !o.set {
		return ""
	}
	return strconv.FormatFloat(o.v, 'g', -1, 64)
}

func (o *optionalFloat) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return fmt.Errorf("%q is not a number of times (0 or more)", s)
	}
	o.v, o.set = v, true
	return nil
}

func newMergeFlags(errOut io.Writer) *mergeFlags {
	f := &mergeFlags{fs: flag.NewFlagSet("merge", flag.ContinueOnError)}
	f.fs.SetOutput(errOut)
	env := readCLIEnv()
	f.fs.StringVar(&f.out, "o", "leakhound-report", "write the merged report `directory` here (created if needed)")
	f.fs.StringVar(&f.known, "known", env.baseline, "compare the leaks with this baseline `file` of known leaks, marking each new or known\n(default $"+reportdir.BaselineEnv+")")
	f.fs.Var(&f.tolerance, "tolerance", "a known leak that grows past `N` times the goroutines the baseline recorded fails as new\n"+
		"(default: the baseline's \"tolerance\" line, else "+fmt.Sprint(reportdir.DefaultTolerance)+"; 0: no limit)")
	f.fs.StringVar(&f.writeBaseline, "write-baseline", "", "also write a baseline `file` knowing every merged leak, as \"leakhound baseline\" does")
	f.fs.StringVar(&f.summary, "summary", env.stepSummary, "append a Markdown summary to this `file` (default $"+reportdir.StepSummaryEnv+", GitHub Actions' job summary)")
	f.fs.StringVar(&f.artifact, "artifact", env.artifact, "the `name` the merged directory is uploaded as, for the summary to point to (default $"+reportdir.ArtifactEnv+")")
	f.fs.BoolVar(&f.fail, "fail", false, "exit with status 1 when a leak is new: not in -known, or any leak without -known")
	f.fs.BoolVar(&f.allowEmpty, "allow-empty", false, "write an empty report when the inputs hold no reports (no test leaked), instead of\n"+
		"failing: without it, finding none is an error, as it is when the inputs are not where they should be")
	f.fs.Usage = func() { writeMergeUsage(errOut, f.fs) }
	return f
}

func writeMergeUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `usage: leakhound merge [flags] INPUT...

Combines the report directories of many CI shards or Bazel test targets into
one report directory: one index.html over every package, and every package's
reports in one JSON file (leakhound.json) and one pprof profile
(leakhound.pb.gz), next to the usual per-package files.

Each INPUT is a report directory, a directory searched for report
directories (downloaded artifacts, bazel-testlogs), or a zip file such as
Bazel's outputs.zip; zips found in the search are read too. A package
reported by two shards is a rerun: the copy written last is kept, and the
index says so. A Bazel test split with shard_count has its shards combined.
A torn shard (a job killed while writing, an artifact cut short) is left out
whole and named. Finding no report at all is an error unless -allow-empty.

Shards may come from untrusted jobs (a fork's pull request): merge reads
only regular report files (no link, FIFO or device is followed, read or
copied), bounds every JSON file and zip entry in size and zip entries in how
much they inflate, checks every count, never reads a file of this machine for
a page (pages rendered anew show no source excerpt), and escapes every name.
The output is written to a new directory and swapped in whole, so a failed
merge leaves the previous one; an -o that overlaps an input, or names a
directory holding files a report directory does not, is refused.

examples:
  leakhound merge -o report artifacts/
  leakhound merge -o report bazel-testlogs
  leakhound merge -known leakhound-baseline.txt -fail -o report artifacts/

flags:
`)
	printFlags(w, fs)
	fmt.Fprint(w, `
exit status:
  0  the report was written
  1  -fail was given and a leak is new
  2  usage or input error, or the report could not be written
  3  the report was written without the torn shards it names
`)
}

// runMerge is "leakhound merge".
func runMerge(args []string, stdout, stderr io.Writer) int {
	f := newMergeFlags(stderr)
	if err := f.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if f.fs.NArg() == 0 {
		fmt.Fprintln(stderr, "leakhound merge: no input given; name the report directories, the directories holding them, or zip files")
		return exitUsage
	}
	m, err := reportdir.Collect(f.fs.Args(), f.out)
	if err != nil {
		fmt.Fprintf(stderr, "leakhound merge: %v\n", err)
		return exitUsage
	}
	if err := checkFound(m, f.fs.Args(), f.allowEmpty); err != nil {
		fmt.Fprintf(stderr, "leakhound merge: %v\n", err)
		return exitUsage
	}
	newLeaks, known, err := markKnown(m, f.known, &f.tolerance)
	if err != nil {
		fmt.Fprintf(stderr, "leakhound merge: %v\n", err)
		return exitUsage
	}
	if err := m.Write(f.out); err != nil {
		fmt.Fprintf(stderr, "leakhound merge: %v\n", err)
		return exitUsage
	}
	if f.writeBaseline != "" {
		if err := writeBaselineFile(f.writeBaseline, m.Docs); err != nil {
			fmt.Fprintf(stderr, "leakhound merge: %v\n", err)
			return exitUsage
		}
	}
	if f.summary != "" {
		if err := reportdir.WriteStepSummary(f.summary, m.Docs, "merge "+f.out, report.SummaryOptions{Page: report.IndexPage, Artifact: f.artifact}); err != nil {
			fmt.Fprintf(stderr, "leakhound merge: %v\n", err)
			return exitUsage
		}
	}

	total := m.Goroutines()
	fmt.Fprintf(stdout, "leakhound merge: %s from %s: %s leaked", words.Plural(len(m.Docs), "package"), words.Plural(m.Shards, "shard"), words.Plural(total, "goroutine"))
	if f.known != "" {
		fmt.Fprintf(stdout, ", %d new, %d known in %s", newLeaks, known, f.known)
	}
	fmt.Fprintf(stdout, "\nreport: %s\n", filepath.Join(f.out, report.IndexPage))
	for _, n := range m.Notes {
		fmt.Fprintf(stdout, "note: %s\n", n)
	}
	for _, s := range m.Skipped {
		fmt.Fprintf(stderr, "leakhound merge: %s\n", s)
	}
	switch {
	case len(m.Skipped) > 0:
		fmt.Fprintf(stderr, "leakhound merge: left out %s; their packages may be missing from the report\n", words.Plural(len(m.Skipped), "torn shard"))
		return exitSkipped
	case f.fail && newLeaks > 0:
		return exitFound
	}
	return exitOK
}

// checkFound fails a merge that found no report at all, unless allowEmpty:
// with no report, "no leak" and "the reports are not where this looked" (a
// wrong path, an artifact not downloaded) look the same, and only the
// caller knows which to expect.
func checkFound(m *reportdir.Merged, inputs []string, allowEmpty bool) error {
	if m.Shards > 0 || len(m.Skipped) > 0 || allowEmpty {
		return nil
	}
	return fmt.Errorf("found no reports in %s: either no test leaked, or the reports are not there; give -allow-empty when none is expected", strings.Join(inputs, ", "))
}

// markKnown compares the merged leaks with the baseline file, when one is
// named (tolerance, when set, overriding the file's), and counts the goroutines of new and of known leaks. Without a
// baseline every leak is new.
func markKnown(m *reportdir.Merged, path string, tolerance *optionalFloat) (newLeaks, known int, err error) {
	if path == "" {
		return m.Goroutines(), 0, nil
	}
	b, err := reportdir.ReadBaseline(path)
	if err != nil {
		return 0, 0, err
	}
	if tolerance.set {
		b.Tolerance = tolerance.v
	}
	newLeaks, known = m.MarkKnown(b)
	return newLeaks, known, nil
}
