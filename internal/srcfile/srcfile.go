// Package srcfile is the one rule for reading source files named in
// goroutine dumps and reports: a dump or a shard's JSON names whatever
// paths its writer chose, so a path in one is never trusted to be source.
//
// A Reader reads only regular files named *.go, after resolving every
// symbolic link, that lie under one of its roots (the user's module,
// GOROOT, the module cache, directories the user named); it opens them
// without blocking (a FIFO or device is refused, never waited on) and
// reads at most MaxBytes. A nil Reader reads nothing: a report rendered
// from JSON, or with source reading turned off, shows no excerpt.
package srcfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// MaxBytes bounds a source file read: hand-written Go is far smaller, and
// a huge generated file is not worth reading for a few lines.
const MaxBytes = 4 << 20

// ErrNotAllowed is wrapped by Read's error when the path is not a Go file
// under the reader's roots, or the reader is nil.
var ErrNotAllowed = errors.New("not a Go source file this report may read")

// Reader reads Go source files under a fixed set of directories.
type Reader struct {
	roots []string // absolute, symbolic links resolved
}

// New returns a Reader of the Go files under dirs. Empty names and
// directories that do not exist are left out; with none left the Reader
// reads nothing.
func New(dirs ...string) *Reader {
	r := &Reader{}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		abs, err := filepath.Abs(d)
		if err != nil {
			continue
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			continue
		}
		if st, err := os.Stat(real); err != nil || !st.IsDir() {
			continue
		}
		r.roots = append(r.roots, real)
	}
	return r
}

// ToolchainDirs are the directories of the Go toolchain's own source and
// of downloaded modules, as the go command would use them: GOROOT, and
// the module cache, which is modCache (the value of GOMODCACHE the caller
// read) when given, else pkg/mod under the first entry of gopath (the
// value of GOPATH the caller read), else under ~/go, go's default GOPATH.
// The entry points read those variables (this package reads no
// environment).
//
// GOROOT and the default GOPATH are worked out as go/build's Default
// does: importing go/build would bring go/parser and go/ast into every
// package that only reads source files, report among them.
func ToolchainDirs(modCache, gopath string) []string {
	goroot := runtime.GOROOT() //lint:ignore SA1019 what go/build.Default.GOROOT is, without go/build
	if goroot != "" {
		goroot = filepath.Clean(goroot)
	}
	if modCache == "" {
		if gopath == "" {
			gopath = defaultGOPATH(goroot)
		}
		if gp := filepath.SplitList(gopath); len(gp) > 0 && gp[0] != "" {
			modCache = filepath.Join(gp[0], "pkg", "mod")
		}
	}
	return []string{goroot, modCache}
}

// defaultGOPATH is go/build.Default.GOPATH with GOPATH unset: ~/go, unless
// that is GOROOT.
func defaultGOPATH(goroot string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	def := filepath.Join(home, "go")
	if filepath.Clean(def) == filepath.Clean(goroot) {
		return ""
	}
	return def
}

// Roots returns the directories whose files r may read.
func (r *Reader) Roots() []string {
	if r == nil {
		return nil
	}
	return append([]string(nil), r.roots...)
}

// Read returns the content of the Go file at path, or an error wrapping
// ErrNotAllowed when the rule forbids it, or the error that stopped the
// read. It never blocks on a FIFO or device and never reads more than
// MaxBytes.
func (r *Reader) Read(path string) ([]byte, error) {
	real, err := r.resolve(path)
	if err != nil {
		return nil, err
	}
	f, err := openNoFollow(real)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", path, err)
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("reading %s: not a regular file: %w", path, ErrNotAllowed)
	case st.Size() > MaxBytes:
		return nil, fmt.Errorf("reading %s: larger than %d MiB: %w", path, MaxBytes>>20, ErrNotAllowed)
	}
	src, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(src) > MaxBytes {
		return nil, fmt.Errorf("reading %s: grew past %d MiB while read: %w", path, MaxBytes>>20, ErrNotAllowed)
	}
	return src, nil
}

// resolve checks path against the rule and returns it with every
// symbolic link resolved.
func (r *Reader) resolve(path string) (string, error) {
	if r == nil || len(r.roots) == 0 {
		return "", fmt.Errorf("reading %s: source reading is off: %w", path, ErrNotAllowed)
	}
	if !strings.HasSuffix(path, ".go") {
		return "", fmt.Errorf("reading %s: not a .go file: %w", path, ErrNotAllowed)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	// A link named x.go may point at anything: the rule holds for what it
	// points at.
	if !strings.HasSuffix(real, ".go") {
		return "", fmt.Errorf("reading %s: a link to a file not named .go: %w", path, ErrNotAllowed)
	}
	for _, root := range r.roots {
		if Within(root, real) {
			return real, nil
		}
	}
	return "", fmt.Errorf("reading %s: outside the module, GOROOT, the module cache and the named source directories: %w", path, ErrNotAllowed)
}

// Within reports whether path is dir or lies under it; both are clean and
// absolute.
func Within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
