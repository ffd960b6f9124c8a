package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/fixrun"
	"github.com/leakhound/leakhound/report"
)

// fixHelp is "leakhound help fix"; {{flags}} stands for the flag list.
//
//go:embed help_fix.txt
var fixHelp string

// fixFlags are the flags of "leakhound fix".
type fixFlags struct {
	fs      *flag.FlagSet
	run     *string
	tags    *string
	count   *int
	maxRuns *int
	timeout *time.Duration
	diff    *bool
	write   *bool
	json    *bool
	html    *string
}

func newFixFlags(errOut io.Writer) *fixFlags {
	fs := flag.NewFlagSet("fix", flag.ContinueOnError)
	fs.SetOutput(errOut)
	f := &fixFlags{fs: fs}
	f.run = fs.String("run", "", "run only the tests matching this `regexp`, as go test -run")
	f.tags = fs.String("tags", "", "build `tags`, as go build -tags, for every build and vet")
	f.count = fs.Int("count", fixrun.DefaultCount, "the leaking test must pass this many `runs` with no leak for an edit to be verified")
	f.maxRuns = fs.Int("max-runs", fixrun.DefaultMaxRuns, "stop trying edits after `n` go commands; a negative n sets no cap")
	f.timeout = fs.Duration("timeout", fixrun.DefaultTimeout, "the longest `duration` one go build, vet or test run may take")
	f.diff = fs.Bool("diff", false, "print the verified edits as one unified diff on standard output (for git apply or patch -p1, from the module root); the report goes to standard error")
	f.write = fs.Bool("w", false, "write the verified edits into the files, gofmt'd")
	f.json = fs.Bool("json", false, "print the result as JSON on standard output")
	f.html = fs.String("html", "", "write the tests' leak report as an HTML `file`, each suggested edit marked verified or not")
	fs.Usage = func() { writeFixUsage(errOut, fs) }
	return f
}

func writeFixUsage(w io.Writer, fs *flag.FlagSet) {
	before, after, _ := strings.Cut(fixHelp, flagsPlaceholder)
	io.WriteString(w, before)
	printFlags(w, fs)
	io.WriteString(w, after)
}

// runFix is "leakhound fix".
func runFix(args []string, stdout, stderr io.Writer) int {
	f := newFixFlags(stderr)
	if err := f.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *f.diff && *f.json {
		fmt.Fprintln(stderr, "leakhound fix: -diff and -json both print on standard output; give one")
		return exitUsage
	}
	if *f.count < 1 {
		fmt.Fprintln(stderr, "leakhound fix: -count must be at least 1")
		return exitUsage
	}
	// Ctrl-C cancels the session: its go commands are killed with their
	// children, and nothing has been written.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := fixrun.Run(ctx, fixrun.Options{
		Packages: f.fs.Args(), Run: *f.run, Tags: *f.tags, Count: *f.count,
		MaxRuns: *f.maxRuns, Timeout: *f.timeout, Progress: stderr,
	})
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "leakhound fix: interrupted; no file was written")
		} else {
			fmt.Fprintf(stderr, "leakhound fix: %v\n", err)
		}
		return exitUsage
	}
	textOut := stdout
	if *f.diff || *f.json {
		textOut = stderr
	}
	if !*f.json {
		if err := res.WriteText(textOut); err != nil {
			fmt.Fprintf(stderr, "leakhound fix: %v\n", err)
			return exitUsage
		}
	}
	switch {
	case *f.json:
		err = res.WriteJSON(stdout)
	case *f.diff:
		err = res.WriteDiff(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "leakhound fix: %v\n", err)
		return exitUsage
	}
	if *f.html != "" {
		if err := writeFixHTML(*f.html, res); err != nil {
			fmt.Fprintf(stderr, "leakhound fix: %v\n", err)
			return exitUsage
		}
	}
	if *f.write {
		written, err := res.Write(ctx)
		for _, file := range written {
			fmt.Fprintf(stderr, "leakhound fix: wrote %s\n", file)
		}
		if err != nil {
			fmt.Fprintf(stderr, "leakhound fix: %v\n", err)
			return exitUsage
		}
	}
	if len(res.Unverified()) > 0 {
		return exitFound
	}
	return exitOK
}

// writeFixHTML writes the first run's leak reports as one HTML page, each
// suggested edit marked with fix's verdict.
func writeFixHTML(name string, res *fixrun.Result) error {
	all := &report.Report{Title: "leakhound fix", ModuleRoot: res.Module}
	for _, r := range res.Reports {
		all.Groups = append(all.Groups, r.Groups...)
		all.Total += r.Total
		if all.Package == "" {
			all.Package = r.Package
		}
	}
	out, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	if err := all.WriteHTML(out); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
