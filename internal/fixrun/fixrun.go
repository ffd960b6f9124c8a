// Package fixrun is the logic of `leakhound fix`: it runs a module's
// tests with leak reports on, takes every leaking group's suggested
// edits, applies each candidate to a copy of the code (go test -overlay,
// the user's files untouched) and keeps only the candidates with which
// the package builds and vets, the leaking test passes -count=N times
// with no leak reported, and the package's other tests still pass.
package fixrun

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Options configure a fix session.
type Options struct {
	// Dir is where the go command runs and package patterns are resolved;
	// "" is the working directory.
	Dir string
	// Packages are go test's package patterns; none means ".".
	Packages []string
	// Run is go test's -run: which tests to run; "" runs them all.
	Run string
	// Tags is go build's -tags, passed to every build.
	Tags string
	// Count is how many times the leaking test must pass with a candidate
	// applied (go test -count); 0 means DefaultCount.
	Count int
	// MaxRuns caps the go commands the session runs; 0 means DefaultMaxRuns,
	// negative no cap.
	MaxRuns int
	// Timeout bounds every go command; 0 means DefaultTimeout.
	Timeout time.Duration
	// Env is the environment of the go commands; nil means os.Environ().
	Env []string
	// Progress receives a line per step (which test, which candidate, runs
	// left); nil discards them.
	Progress io.Writer
}

// Defaults of Options.
const (
	DefaultCount   = 5
	DefaultMaxRuns = 60
	DefaultTimeout = 3 * time.Minute
)

// session is one fix run's state.
type session struct {
	opts     Options
	gorun    *goRunner
	module   string // module root
	tmp      string // temporary overlays and report directories
	progress io.Writer
	pkgs     map[string]*pkgInfo
	baseline *testRun
	vet      map[string][]string // each package's go vet findings before any edit
	start    time.Time
}

// Run runs a fix session. The returned Result holds every leaking group
// found, verified or not; the error is for a session that could not run
// (no go command, a package pattern go cannot list, Ctrl-C).
func Run(ctx context.Context, opts Options) (*Result, error) {
	s, err := newSession(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(s.tmp)
	return s.run(ctx)
}

// newSession applies opts' defaults, finds the go command and the module
// root, and makes the session's temporary directory, which the caller
// removes.
func newSession(ctx context.Context, opts Options) (*session, error) {
	s := &session{opts: opts, progress: opts.Progress, vet: map[string][]string{}, start: time.Now()}
	if s.progress == nil {
		s.progress = io.Discard
	}
	if s.opts.Count <= 0 {
		s.opts.Count = DefaultCount
	}
	if s.opts.Timeout <= 0 {
		s.opts.Timeout = DefaultTimeout
	}
	switch {
	case s.opts.MaxRuns == 0:
		s.opts.MaxRuns = DefaultMaxRuns
	case s.opts.MaxRuns < 0:
		s.opts.MaxRuns = 0
	}
	if len(s.opts.Packages) == 0 {
		s.opts.Packages = []string{"."}
	}
	if s.opts.Env == nil {
		s.opts.Env = os.Environ()
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("finding the go command: %w", err)
	}
	dir := s.opts.Dir
	if dir == "" {
		if dir, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	// The user's GOFLAGS (-mod=vendor, -tags) stay: the flags fix passes
	// (-overlay, -count, -run) take precedence over theirs.
	env := slices.Clone(s.opts.Env)
	s.gorun = &goRunner{goCmd: goCmd, dir: dir, env: env, timeout: s.opts.Timeout, maxRuns: s.opts.MaxRuns}
	if s.module, err = moduleRoot(ctx, goCmd, dir, env); err != nil {
		return nil, err
	}
	if s.tmp, err = os.MkdirTemp("", "leakhound-fix-"); err != nil {
		return nil, fmt.Errorf("creating the temporary directory for overlays and reports: %w", err)
	}
	return s, nil
}

// run is the session: list, run the tests, try the candidates.
func (s *session) run(ctx context.Context) (*Result, error) {
	res := &Result{Module: s.module}
	defer func() { res.Runs, res.Elapsed = s.gorun.used(), time.Since(s.start) }()
	if note := dirtyNote(ctx, s.module); note != "" {
		res.Notes = append(res.Notes, note)
	}
	s.say("listing %s", strings.Join(s.opts.Packages, " "))
	pkgs, skipped, err := s.listPackages(ctx, s.opts.Packages)
	if err != nil {
		return res, err
	}
	res.Notes = append(res.Notes, skipped...)
	if len(pkgs) == 0 {
		return res, nil
	}
	s.pkgs = map[string]*pkgInfo{}
	var paths []string
	for _, p := range pkgs {
		s.pkgs[p.ImportPath] = p
		paths = append(paths, p.ImportPath)
		if len(p.CgoFiles) > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("%s uses cgo: edits to its cgo files (%s) are not tried, since a build overlay cannot replace them", p.ImportPath, strings.Join(p.CgoFiles, ", ")))
		}
	}
	s.say("running the tests of %d package(s) with leak reports", len(paths))
	s.baseline, err = s.runTests(ctx, paths, s.opts.Run, 1, "")
	if err != nil {
		return res, fmt.Errorf("running the tests before any edit: %w", err)
	}
	targets, notes := s.targets()
	res.Notes = append(res.Notes, notes...)
	for _, doc := range s.baseline.docs {
		res.Reports = append(res.Reports, doc.Reports...)
	}
	for i, t := range targets {
		s.say("%s %s: %d leaking group(s), target %d of %d", t.pkg, strings.Join(t.tests, ","), len(t.groups), i+1, len(targets))
		if err := s.fixTarget(ctx, t); err != nil {
			return res, err
		}
		res.Groups = append(res.Groups, t.results...)
	}
	slices.SortStableFunc(res.Groups, func(a, b *GroupResult) int {
		return cmp.Or(cmp.Compare(a.Package, b.Package), cmp.Compare(a.Where, b.Where))
	})
	return res, nil
}

// say writes a progress line.
func (s *session) say(format string, args ...any) {
	left := ""
	if n := s.gorun.left(); n >= 0 {
		left = fmt.Sprintf(" (%d runs left)", n)
	}
	fmt.Fprintf(s.progress, "fix: "+format+"%s\n", append(args, left)...)
}

// buildFlags are the flags every build passes: the build tags.
func (s *session) buildFlags() []string {
	if s.opts.Tags == "" {
		return nil
	}
	return []string{"-tags", s.opts.Tags}
}

// moduleRoot is the directory of the main module's go.mod.
func moduleRoot(ctx context.Context, goCmd, dir string, env []string) (string, error) {
	cmd := exec.CommandContext(ctx, goCmd, "env", "GOMOD")
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module: fix edits a module's files and needs its go.mod")
	}
	return filepath.Dir(gomod), nil
}

// dirtyNote says when the module's git tree has uncommitted changes:
// candidates are tried against the files as they are, and -w refuses to
// write a file with uncommitted changes.
func dirtyNote(ctx context.Context, module string) string {
	files := dirtyFiles(ctx, module)
	if len(files) == 0 {
		return ""
	}
	return fmt.Sprintf("the tree has uncommitted changes (%s); candidates are tried against the files as they are, and -w writes no file with uncommitted changes", strings.Join(limit(files, 5), ", "))
}

// dirtyFiles lists the module's files git reports modified or untracked,
// absolute; none when the module is not in a git work tree.
func dirtyFiles(ctx context.Context, module string) []string {
	cmd := exec.CommandContext(ctx, "git", "status", "--porcelain", "-z", "--", ".")
	cmd.Dir = module
	out, err := cmd.Output()
	if err != nil {
		return nil
	}
	top := exec.CommandContext(ctx, "git", "rev-parse", "--show-toplevel")
	top.Dir = module
	root, err := top.Output()
	if err != nil {
		return nil
	}
	var files []string
	for entry := range strings.SplitSeq(string(out), "\x00") {
		if len(entry) > 3 {
			files = append(files, filepath.Join(strings.TrimSpace(string(root)), entry[3:]))
		}
	}
	return files
}

func limit(list []string, n int) []string {
	if len(list) <= n {
		return list
	}
	return append(slices.Clone(list[:n]), fmt.Sprintf("and %d more", len(list)-n))
}
