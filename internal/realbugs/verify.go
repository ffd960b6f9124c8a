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
	r.n++
	dir := filepath.Join(r.Tmp, fmt.Sprintf("try%d", r.n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Result{}, err
	}
	// The overlay replaces the case's files with the given contents.
	overlay, err := editverify.Overlay(dir, nil, files)
	if err != nil {
		return Result{}, err
	}
	exe := filepath.Join(dir, "runcase")
	build := exec.Command(r.GoCmd, "build", "-overlay", overlay, "-o", exe, "github.com/leakhound/leakhound/internal/realbugs/runcase")
	build.Dir = r.Dir
	build.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		return Result{}, fmt.Errorf("building runcase with the overlay: %w\n%s", err, out)
	}
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
