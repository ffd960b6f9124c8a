package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/reportdir"
)

// baselineFlags holds the parsed flags of "leakhound baseline".
type baselineFlags struct {
	out        string
	allowEmpty bool
}

func newBaselineFlags(errOut io.Writer) (*flag.FlagSet, *baselineFlags) {
	fs := flag.NewFlagSet("baseline", flag.ContinueOnError)
	fs.SetOutput(errOut)
	f := &baselineFlags{}
	fs.StringVar(&f.out, "o", "", "write the baseline to this `file` instead of standard output")
	fs.BoolVar(&f.allowEmpty, "allow-empty", false, "write an empty baseline when the inputs hold no reports, instead of failing")
	fs.Usage = func() { writeBaselineUsage(errOut, fs) }
	return fs, f
}

func writeBaselineUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `usage: leakhound baseline [-o FILE] [-allow-empty] INPUT...

Writes a baseline of known leaks: the fingerprint of every leak in the
report directories (INPUT as for "leakhound merge"), one per line with what
the leak is. A fingerprint is made of the blocking reason, the blocking
function, the function with the go statement and the pattern, never line
numbers, so it holds while unrelated code moves. Each line also records the
goroutines the leak held: a known leak that grows past the file's
"tolerance N" line (N times; 2 as written, 0 for no limit) fails as new.
Finding no report at all is an error unless -allow-empty.

With LEAKHOUND_BASELINE=FILE (or leakcheck.KnownLeaks(FILE)), checks list
the leaks in the baseline without failing and fail on new ones; "leakhound
merge -known FILE" marks each leak of a merged report new or known. Delete a
line once its leak is fixed.

examples:
  LEAKHOUND_REPORT=$PWD/leaks go test ./... ; leakhound baseline -o leakhound-baseline.txt leaks
  leakhound baseline -o leakhound-baseline.txt merged-report

flags:
`)
	printFlags(w, fs)
	fmt.Fprint(w, `
exit status:
  0  the baseline was written
  2  usage or input error, or a torn shard among the inputs
`)
}

// runBaseline is "leakhound baseline".
func runBaseline(args []string, stdout, stderr io.Writer) int {
	fs, f := newBaselineFlags(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "leakhound baseline: no input given; name the report directories, the directories holding them, or zip files")
		return exitUsage
	}
	m, err := reportdir.Collect(fs.Args(), "")
	if err != nil {
		fmt.Fprintf(stderr, "leakhound baseline: %v\n", err)
		return exitUsage
	}
	if err := checkFound(m, fs.Args(), f.allowEmpty); err != nil {
		fmt.Fprintf(stderr, "leakhound baseline: %v\n", err)
		return exitUsage
	}
	if len(m.Skipped) > 0 {
		// A baseline missing a shard's leaks would fail them as new.
		for _, s := range m.Skipped {
			fmt.Fprintf(stderr, "leakhound baseline: %s\n", s)
		}
		fmt.Fprintln(stderr, "leakhound baseline: not writing a baseline that would miss the torn shards' leaks")
		return exitUsage
	}
	if f.out == "" {
		if err := reportdir.WriteBaseline(stdout, m.Docs); err != nil {
			fmt.Fprintf(stderr, "leakhound baseline: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	if err := writeBaselineFile(f.out, m.Docs); err != nil {
		fmt.Fprintf(stderr, "leakhound baseline: %v\n", err)
		return exitUsage
	}
	return exitOK
}

// writeBaselineFile writes the baseline of docs to path.
func writeBaselineFile(path string, docs []*report.Document) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing the baseline: %w", err)
	}
	if err := reportdir.WriteBaseline(f, docs); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing the baseline: %w", err)
	}
	return nil
}
