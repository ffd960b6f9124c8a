package main

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/leakhound/leakhound/explain"
	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/reportdir"
	"github.com/leakhound/leakhound/watch"
)

// watchHelp is "leakhound help watch"; {{flags}} stands for the flags.
//
//go:embed help_watch.txt
var watchHelp string

// writeWatchUsage writes the help of "leakhound watch", its flags listed
// from fs.
func writeWatchUsage(w io.Writer, fs *flag.FlagSet) {
	before, after, _ := strings.Cut(watchHelp, flagsPlaceholder)
	io.WriteString(w, before)
	printFlags(w, fs)
	io.WriteString(w, after)
}

// watchFlags holds the parsed flags of "leakhound watch".
type watchFlags struct {
	fs *flag.FlagSet

	every, duration, timeout      time.Duration
	concurrency, min              int
	growth                        float64
	htmlPath, jsonPath, pprofPath string
	title, src, known             string
	noSource, all                 bool
	failOn                        string
}

func newWatchFlags() *watchFlags {
	f := &watchFlags{}
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.fs = fs
	fs.DurationVar(&f.every, "every", 30*time.Second, "look at every target once every `DURATION`\n"+
		"example: -every 10s")
	fs.DurationVar(&f.duration, "for", 0, "end the watch after `DURATION` and write the report; 0 watches until interrupted\n"+
		"example: -for 2m")
	fs.Float64Var(&f.growth, "growth", 0.1, "a group is growing when the goroutines that stay rise by this `FRACTION` of\n"+
		"where they started (and by at least one) on some target\n"+
		"example: -growth 0.5")
	fs.IntVar(&f.min, "min", 5, "a group is growing only once at least `N` of its goroutines stay on a target\n"+
		"example: -min 20")
	fs.StringVar(&f.failOn, "fail-on", "", "exit with status 1 when a group not in the baseline is `VERDICT` or worse:\n"+
		"proven (the runtime proved it leaked) or growing (proven, or growing)\n"+
		"example: -fail-on growing")
	fs.StringVar(&f.known, "known", readCLIEnv().baseline, "groups in this baseline `FILE` of known leaks are reported but never fail\n"+
		"(default $"+reportdir.BaselineEnv+")")
	fs.BoolVar(&f.all, "all", false, "also report the stable groups")
	fs.StringVar(&f.htmlPath, "html", "", "write the report as an HTML page, a sparkline per group, to `FILE`\n"+
		"example: -html watch.html")
	fs.StringVar(&f.jsonPath, "json", "", "write the verdicts, the counts over time and the report as JSON to `FILE`")
	fs.StringVar(&f.pprofPath, "pprof", "", "write the reported groups as a pprof profile to `FILE`")
	fs.StringVar(&f.title, "title", "", "name the report `TEXT` (default: the targets)")
	fs.StringVar(&f.src, "src", "", "read source from the checkout in `DIR` for the diagnosis, where the paths in\n"+
		"the dumps lead into it (default: the module of the current directory)\n"+
		"example: -src ~/src/myservice")
	fs.BoolVar(&f.noSource, "nosource", false, "read no source file: the diagnosis rests on the stacks alone")
	fs.DurationVar(&f.timeout, "timeout", 10*time.Second, "give up fetching one target after `DURATION`")
	fs.IntVar(&f.concurrency, "concurrency", 2, "fetch at most `N` targets at once; each fetch in flight holds its dump,\n"+
		"so memory grows with N (raise it for targets far away)")
	return f
}

// parse reads the command line and returns the targets: URLs given, and
// the lines of the files given.
func (f *watchFlags) parse(args []string) ([]string, error) {
	var inputs []string
	for {
		if err := f.fs.Parse(args); err != nil {
			return nil, err
		}
		if f.fs.NArg() == 0 {
			break
		}
		inputs = append(inputs, f.fs.Arg(0))
		args = f.fs.Args()[1:]
	}
	switch {
	case len(inputs) == 0:
		return nil, errors.New("no target: give the base URL of a process serving net/http/pprof, or a file listing them")
	case f.every <= 0:
		return nil, checkErrorf("-every must be positive, got %s", f.every)
	case f.duration < 0:
		return nil, checkErrorf("-for must not be negative, got %s", f.duration)
	case f.timeout <= 0:
		return nil, checkErrorf("-timeout must be positive, got %s", f.timeout)
	case f.concurrency < 1:
		return nil, checkErrorf("-concurrency must be at least 1, got %d", f.concurrency)
	case f.min < 1:
		return nil, checkErrorf("-min must be at least 1, got %d", f.min)
	case f.growth <= 0:
		return nil, checkErrorf("-growth must be positive, got %g", f.growth)
	}
	if f.failOn != "" {
		if _, err := watch.ParseVerdict(f.failOn); err != nil || f.failOn == watch.Stable.String() {
			return nil, checkErrorf("-fail-on takes %s or %s, got %q", watch.Proven, watch.Growing, f.failOn)
		}
	}
	var targets []string
	for _, in := range inputs {
		if isURL(in) {
			targets = append(targets, in)
			continue
		}
		listed, err := readTargets(in)
		if err != nil {
			return nil, err
		}
		targets = append(targets, listed...)
	}
	return targets, nil
}

// maxTargetsFile bounds a file listing targets: a million URLs is far
// beyond any fleet one watcher follows.
const maxTargetsFile = 64 << 20

// readTargets reads a file listing targets, one per line; blank lines and
// lines starting with # are skipped.
func readTargets(path string) ([]string, error) {
	file, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s is neither an http:// or https:// URL nor a file listing targets: %w", path, err)
		}
		return nil, fmt.Errorf("reading the targets in %s: %w", path, err)
	}
	defer file.Close()
	var out []string
	sc := bufio.NewScanner(io.LimitReader(file, maxTargetsFile))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !isURL(line) {
			return nil, fmt.Errorf("%s:%d: %q is not an http:// or https:// URL", path, n, line)
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the targets in %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s lists no target", path)
	}
	return out, nil
}

// runWatch is "leakhound watch": look at the targets every -every until
// -for ends or the process is interrupted, print a line per change, then
// the verdicts and the report forms asked for.
func runWatch(args []string, stdout, stderr io.Writer) int {
	f := newWatchFlags()
	targets, err := f.parse(args)
	if errors.Is(err, flag.ErrHelp) {
		writeWatchUsage(stdout, f.fs)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "leakhound watch: %v (leakhound help watch lists the flags)\n", err)
		return exitUsage
	}
	var baseline *reportdir.Baseline
	if f.known != "" {
		if baseline, err = reportdir.ReadBaseline(f.known); err != nil {
			fmt.Fprintf(stderr, "leakhound watch: %v\n", err)
			return exitUsage
		}
	}
	w, err := watch.New(targets, watch.Options{Timeout: f.timeout, Concurrency: f.concurrency, Min: f.min, Growth: f.growth})
	if err != nil {
		fmt.Fprintf(stderr, "leakhound watch: %v\n", err)
		return exitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if f.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.duration)
		defer cancel()
	}
	until := "until interrupted (Ctrl-C ends the watch and writes the report)"
	if f.duration > 0 {
		until = "for " + f.duration.String()
	}
	fmt.Fprintf(stderr, "leakhound watch: %s every %s %s\n", words.Plural(len(w.Targets()), "target"), f.every, until)
	watchLoop(ctx, w, f.every, stderr)

	res := w.Report(watch.ReportOptions{Title: f.title, ModuleRoot: f.sourceRoot(), NoSource: f.noSource, All: f.all,
		Explain: func(r *report.Report) { explain.Report(r, explain.Options{}) }})
	if baseline != nil {
		baseline.Mark(res.Report)
	}
	code := f.writeWatchForms(res, stdout, stderr)
	answered := false
	for _, t := range res.Targets {
		answered = answered || t.Looks > 0
	}
	if !answered {
		fmt.Fprintln(stderr, "leakhound watch: no target answered: there is nothing to report")
		return exitUsage
	}
	if code == exitOK && f.failOn != "" {
		v, _ := watch.ParseVerdict(f.failOn)
		if flagged := res.Flagged(v); len(flagged) > 0 {
			fmt.Fprintf(stderr, "leakhound watch: %s %s or worse (-fail-on %s)\n", words.Plural(len(flagged), "group"), v, f.failOn)
			return exitFound
		}
	}
	return code
}

// watchLoop looks at once, then every every, until ctx ends, printing a
// line per event.
func watchLoop(ctx context.Context, w *watch.Watcher, every time.Duration, stderr io.Writer) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for first := true; ; first = false {
		// The look runs to its end, each fetch bounded by -timeout, even
		// when the watch ends meanwhile: fetches cut short would read as
		// targets failing.
		events := w.Look(context.WithoutCancel(ctx))
		if first {
			printFirstLook(w, stderr)
		}
		for _, e := range events {
			fmt.Fprintln(stderr, e)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// printFirstLook says what the first look found, so the person knows the
// watch is working before anything changes.
func printFirstLook(w *watch.Watcher, stderr io.Writer) {
	answered, leak, goroutines := 0, 0, 0
	for _, t := range w.TargetStatuses() {
		if t.Looks > 0 {
			answered++
			goroutines += t.Goroutines
		}
		if t.LeakProfile {
			leak++
		}
	}
	fmt.Fprintf(stderr, "leakhound watch: first look: %s on %d of %s, %d serving the leak profile (Go 1.27+); %s\n",
		words.Plural(goroutines, "goroutine"), answered, words.Plural(len(w.Targets()), "target"), leak, words.Plural(len(w.Groups()), "group"))
}

// sourceRoot is -src, else the module root of the current directory ("" when
// there is none).
func (f *watchFlags) sourceRoot() string {
	if f.src != "" || f.noSource {
		return f.src
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// writeWatchForms prints the verdicts on stdout and writes the forms asked
// for.
func (f *watchFlags) writeWatchForms(res *watch.Result, stdout, stderr io.Writer) int {
	forms := []struct {
		flag, path string
		write      func(io.Writer) error
	}{
		{"html", f.htmlPath, res.Report.WriteHTML},
		{"json", f.jsonPath, res.WriteJSON},
		{"pprof", f.pprofPath, res.Report.WritePprof},
	}
	code := exitOK
	for _, form := range forms {
		if form.path == "" {
			continue
		}
		if err := writeFile(form.path, form.write); err != nil {
			fmt.Fprintf(stderr, "leakhound watch: -%s: %v\n", form.flag, err)
			code = exitUsage
		}
	}
	if err := res.WriteSummary(stdout); err != nil {
		fmt.Fprintf(stderr, "leakhound watch: writing the summary: %v\n", err)
		code = exitUsage
	}
	return code
}
