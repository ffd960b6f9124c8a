package realbugs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/editverify"
)

// Runner builds and runs the runcase program with files replaced through
// a go build overlay, so a fix or a suggested edit is tried without
// touching the tree.
type Runner struct {
	// GoCmd is the go command.
	GoCmd string
	// Dir is any directory inside the module (the package's own).
	Dir string
	// Tmp holds the overlays and binaries.
	Tmp string
	// Limit is how long a case's goroutines may take to end (runcase -limit).
	Limit time.Duration
	n     int
}

// Result is what one run of a case in its own process showed.
type Result struct {
	// Clean reports that every goroutine the case started ended.
	Clean bool
	// Left is the goroutine dump when it did not.
	Left string
}

// Try builds runcase with files replaced (absolute path → content) and
// runs case name once.
func (r *Runner) Try(name string, files map[string][]byte) (Result, error) {
	exe, err := r.Build(files)
	if err != nil {
		return Result{}, err
	}
	return r.Run(exe, name)
}

// Build builds runcase with files replaced (absolute path → content)
// through a go build overlay and returns the program's path. One build
// serves every case whose files it replaces: the cases share no file.
func (r *Runner) Build(files map[string][]byte) (string, error) {
	r.n++
	dir := filepath.Join(r.Tmp, fmt.Sprintf("try%d", r.n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// The overlay replaces the case's files with the given contents.
	overlay, err := editverify.Overlay(dir, nil, files)
	if err != nil {
		return "", err
	}
	exe := filepath.Join(dir, "runcase")
	build := exec.Command(r.GoCmd, "build", "-overlay", overlay, "-o", exe, "github.com/leakhound/leakhound/internal/realbugs/runcase")
	build.Dir = r.Dir
	build.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building runcase with the overlay: %w\n%s", err, out)
	}
	return exe, nil
}

// Run runs case name once with a runcase program Build made.
func (r *Runner) Run(exe, name string) (Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), r.Limit+time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	run := exec.CommandContext(ctx, exe, "-limit", r.Limit.String(), name)
	run.Stdout, run.Stderr = &stdout, &stderr
	if err := run.Run(); err != nil {
		return Result{}, fmt.Errorf("runcase %s: %w\n%s%s", name, err, stdout.Bytes(), stderr.Bytes())
	}
	out := stdout.String()
	switch {
	case strings.HasPrefix(out, "clean"):
		return Result{Clean: true}, nil
	case strings.HasPrefix(out, "leaked"):
		return Result{Left: strings.TrimPrefix(out, "leaked\n")}, nil
	}
	return Result{}, fmt.Errorf("runcase %s printed neither clean nor leaked:\n%s", name, out)
}

// TryEach runs each named case with its files replaced (case name →
// absolute path → content). It builds once with every case's files when
// that builds, and case by case otherwise, so a change that does not
// build is charged to its own case only.
func (r *Runner) TryEach(files map[string]map[string][]byte) (map[string]Result, map[string]error) {
	results, errs := make(map[string]Result), make(map[string]error)
	all := make(map[string][]byte)
	for _, fs := range files {
		for path, content := range fs {
			all[path] = content
		}
	}
	exe, err := r.Build(all)
	for name, fs := range files {
		exe := exe
		if err != nil {
			var berr error
			if exe, berr = r.Build(fs); berr != nil {
				errs[name] = berr
				continue
			}
		}
		res, rerr := r.Run(exe, name)
		if rerr != nil {
			errs[name] = rerr
			continue
		}
		results[name] = res
	}
	return results, errs
}

// Fixed returns the files of c with its fix.patch applied, by absolute
// path.
func (c Case) Fixed() (map[string][]byte, error) {
	patched, err := ApplyPatch(c.Patch, func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(c.Dir, name))
	})
	if err != nil {
		return nil, fmt.Errorf("%s/fix.patch: %w", c.Name, err)
	}
	out := make(map[string][]byte, len(patched))
	for name, content := range patched {
		out[filepath.Join(c.Dir, name)] = content
	}
	return out, nil
}
