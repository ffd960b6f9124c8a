package main

import (
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/leakhound/leakhound/report"
)

// reportFlags holds the parsed flags of "leakhound report".
type reportFlags struct {
	fs *flag.FlagSet

	htmlPath, jsonPath, pprofPath string
	title, moduleRoot             string
	noSource                      bool
	diff                          bool
	srcDirs                       dirList

	reasons   reasonList
	match     *regexp.Regexp
	exclude   *regexp.Regexp
	min       int
	all       bool
	sortBy    string
	fail      bool
	github    bool
	timeout   time.Duration
	matchText string
	exclText  string
}

// reasonList is the value of -reason: a set of reasons, given comma
// separated, possibly over several -reason flags.
type reasonList map[report.Reason]bool

func (l reasonList) String() string {
	names := make([]string, 0, len(l))
	for r := range l {
		names = append(names, string(r))
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func (l reasonList) Set(s string) error {
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !slices.Contains(report.Reasons(), report.Reason(name)) {
			return fmt.Errorf("unknown reason %q; the reasons are %s", name, reasonNames())
		}
		l[report.Reason(name)] = true
	}
	return nil
}

// reasonNames lists the reasons -reason accepts: report's, all of them.
func reasonNames() string {
	rs := report.Reasons()
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// regexpFlag is a flag.Value compiling its argument, so a bad pattern is a
// usage error naming the flag instead of a failure later.
type regexpFlag struct {
	re   **regexp.Regexp
	text *string
}

func (f regexpFlag) String() string {
	if f.text == nil {
		return ""
	}
	return *f.text
}

func (f regexpFlag) Set(s string) error {
	re, err := regexp.Compile(s)
	if err != nil {
		return fmt.Errorf("not a valid regular expression: %w", err)
	}
	*f.re, *f.text = re, s
	return nil
}

// sortFlag accepts only the sort orders the command implements.
type sortFlag struct{ v *string }

func (f sortFlag) String() string {
	if f.v == nil {
		return ""
	}
	return *f.v
}

func (f sortFlag) Set(s string) error {
	switch s {
	case sortCount, sortMinutes:
		*f.v = s
		return nil
	}
	return fmt.Errorf("want %q or %q, got %q", sortCount, sortMinutes, s)
}

// The orders -sort accepts.
const (
	sortCount   = "count"
	sortMinutes = "minutes"
)

// newReportFlags declares the flags of "leakhound report". The flag
// package prints nothing: runReport words every error in one line and
// prints the help only when asked.
func newReportFlags() *reportFlags {
	f := &reportFlags{reasons: reasonList{}, sortBy: sortCount, timeout: 15 * time.Second}
	fs := flag.NewFlagSet("leakhound report", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.fs = fs

	fs.StringVar(&f.htmlPath, "html", "", "also write the report as a self-contained HTML page to `FILE` (\"-\": stdout instead of the text)\n"+
		"example: -html leaks.html")
	fs.StringVar(&f.jsonPath, "json", "", "also write the report as JSON to `FILE` (\"-\": stdout instead of the text)\n"+
		"example: -json leaks.json")
	fs.StringVar(&f.pprofPath, "pprof", "", "also write the groups as a pprof profile to `FILE`, for go tool pprof\n"+
		"example: -pprof leaks.pb.gz && go tool pprof -top leaks.pb.gz")
	fs.StringVar(&f.title, "title", "", "name the report `TEXT` (default: the input's file name or URL)\n"+
		"example: -title 'CI run 1234'")
	fs.StringVar(&f.moduleRoot, "root", "", "show source paths under `DIR` (your module's root) relative to it\n"+
		"example: -root $(go list -m -f '{{.Dir}}')")
	fs.BoolVar(&f.noSource, "nosource", false, "do not read source files named in the dump to refine the diagnosis\n"+
		"(use when the dump comes from another machine or another version of the code)\n"+
		"example: leakhound report -nosource prod-dump.txt")
	fs.Var(&f.srcDirs, "src", "also read Go source under `DIR` (repeatable); without it only .go files under the module of the\n"+
		"current directory, -root, GOROOT and the module cache are read, whatever paths the dump names\n"+
		"example: -src ../vendor-src")
	fs.BoolVar(&f.diff, "diff", false, "print the suggested edits as one unified diff instead of the text report; paths are\n"+
		"relative to -root (default: the current directory), so from there git apply or patch -p0 applies it\n"+
		"example: leakhound report -diff dump.txt | git apply")
	fs.Var(f.reasons, "reason", "keep only goroutines blocked for one of these comma separated `REASONS`\n"+
		"("+reasonNames()+")\n"+
		"example: -reason chan-receive,select")
	fs.Var(regexpFlag{&f.match, &f.matchText}, "match", "keep only goroutines with a frame (function or file, including the go\n"+
		"statement that created it) matching the `REGEXP`\n"+
		"example: -match 'mycorp.com/svc/(cache|queue)'")
	fs.Var(regexpFlag{&f.exclude, &f.exclText}, "exclude", "drop goroutines with a frame (function or file) matching the `REGEXP`\n"+
		"example: -exclude 'go.opencensus.io|google.golang.org/grpc'")
	fs.IntVar(&f.min, "min", 1, "keep only groups of at least `N` goroutines\n"+
		"example: -min 10")
	fs.BoolVar(&f.all, "all", false, "also show goroutines whose whole stack is runtime or standard library code\n"+
		"(GC workers, signal handling, idle HTTP connections; hidden by default)\n"+
		"example: leakhound report -all -match net/http dump.txt")
	fs.Var(sortFlag{&f.sortBy}, "sort", "order groups by `ORDER`: count (largest first) or minutes (longest blocked first)\n"+
		"example: -sort minutes")
	fs.BoolVar(&f.fail, "fail", false, "exit with status 1 when any goroutine blocked in a wait (not running) is left\n"+
		"after the filters; for CI\n"+
		"example: leakhound report -fail -reason chan-send dump.txt || echo leaks")
	fs.BoolVar(&f.github, "github", false, "also print one GitHub Actions ::error annotation per group on stdout, so each\n"+
		"group shows on its blocking line in the pull request\n"+
		"example: leakhound report -github -fail dump.txt")
	fs.DurationVar(&f.timeout, "timeout", f.timeout, "give up fetching a URL after `DURATION`, connecting and reading the whole answer\n"+
		"(an endpoint that streams without end is cut there; the answer is also bounded in size)\n"+
		"example: -timeout 5s")
	fs.Usage = func() {}
	return f
}

// parse reads the command line of "leakhound report" and returns the one
// input it names ("" for standard input). Flags may come before or after the
// input, as people type them.
func (f *reportFlags) parse(args []string) (string, error) {
	var inputs []string
	for {
		if err := f.fs.Parse(args); err != nil {
			return "", err
		}
		if f.fs.NArg() == 0 {
			break
		}
		inputs = append(inputs, f.fs.Arg(0))
		args = f.fs.Args()[1:]
	}
	if len(inputs) > 1 {
		return "", checkErrorf("give one dump at a time, got %d: %s", len(inputs), strings.Join(inputs, " "))
	}
	if f.min < 1 {
		return "", checkErrorf("-min must be at least 1, got %d", f.min)
	}
	if f.timeout <= 0 {
		return "", checkErrorf("-timeout must be positive, got %s", f.timeout)
	}
	stdoutForms := 0
	for _, p := range []string{f.htmlPath, f.jsonPath, f.pprofPath} {
		if p == "-" {
			stdoutForms++
		}
	}
	if stdoutForms > 1 {
		return "", checkErrorf("only one of -html, -json and -pprof can write to stdout (\"-\")")
	}
	if f.diff && (stdoutForms > 0 || f.github) {
		return "", checkErrorf("-diff writes to stdout: it cannot be combined with -github or a form written to \"-\"")
	}
	if f.diff && f.noSource {
		return "", checkErrorf("-diff needs the source: the edits are computed on it (drop -nosource)")
	}
	if len(inputs) == 0 {
		return "", nil
	}
	return inputs[0], nil
}

// checkErrorf makes an error for a command line the flag package accepted
// but the command cannot use.
func checkErrorf(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}
