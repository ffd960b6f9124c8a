package values

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// listed is the part of `go list -json` output the loader reads.
type listed struct {
	Dir          string
	ImportPath   string
	Name         string
	Export       string
	ForTest      string
	GoFiles      []string
	CgoFiles     []string
	TestGoFiles  []string
	XTestGoFiles []string
	ImportMap    map[string]string
	Imports      []string
	Error        *struct{ Err string }
}

// listFields are the fields asked of go list, so its output stays small.
const listFields = "Dir,ImportPath,Name,ForTest,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles,ImportMap,Imports,Error"

// cache holds the packages loaded in this process, by directory. A
// package is loaded again only when one of its files changed.
var cache = struct {
	sync.Mutex
	m map[string]*cached
}{m: make(map[string]*cached)}

type cached struct {
	once  sync.Once
	pkgs  []*Package
	err   error
	stamp []fileStamp
}

type fileStamp struct {
	path string
	size int64
	mod  time.Time
}

func (c *cached) fresh() bool {
	for _, s := range c.stamp {
		fi, err := os.Stat(s.path)
		if err != nil || fi.Size() != s.size || !fi.ModTime().Equal(s.mod) {
			return false
		}
	}
	return true
}

// Load returns the packages of the directory dir, type-checked from their
// source with the test files (the package with its _test.go files, and the
// external _test package when there is one), their imports read from the
// export data the go command leaves in the build cache. It runs
// `go list -export -deps -test` once per directory per process; a later
// call returns the same packages unless a file changed. The error says why
// the directory could not be loaded (no go command, not in a module, a
// file that does not parse); the caller then falls back to the syntax.
func Load(dir string) ([]*Package, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("loading %s: %w", dir, err)
	}
	// An entry is read only after its once has run (the once orders the
	// load's writes before the reads); a stale one is replaced, once.
	c := cachedFor(abs, nil)
	c.once.Do(func() { c.pkgs, c.stamp, c.err = load(abs) })
	if c.stamp != nil && !c.fresh() {
		c = cachedFor(abs, c)
		c.once.Do(func() { c.pkgs, c.stamp, c.err = load(abs) })
	}
	return c.pkgs, c.err
}

// cachedFor returns the cache entry of dir, a new one when there is none
// or when the entry is stale (the one a caller found out of date).
func cachedFor(dir string, stale *cached) *cached {
	cache.Lock()
	defer cache.Unlock()
	c := cache.m[dir]
	if c == nil || c == stale {
		c = &cached{}
		cache.m[dir] = c
	}
	return c
}

// errNoGo is returned when there is no go command to ask.
var errNoGo = errors.New("no go command on PATH")

// errModCache is returned for a directory of the module cache.
var errModCache = errors.New("a dependency in the module cache, not a package of the module")

func load(dir string) ([]*Package, []fileStamp, error) {
	if strings.Contains(filepath.ToSlash(dir), "/pkg/mod/") {
		// A dependency in the module cache: go list there would resolve it
		// in its own module, without the main module's requirements.
		return nil, nil, errModCache
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		return nil, nil, errNoGo
	}
	// First the directory's packages and their test variants, then the
	// export data of their direct imports only: the package itself is
	// type-checked from source, so it is never compiled for this.
	out, err := goList(gobin, dir, "-e", "-test", "-json="+listFields, ".")
	if err != nil {
		return nil, nil, err
	}
	var own []listed
	imports := make(map[string]bool)
	for _, l := range out {
		if l.Dir != dir || strings.HasSuffix(l.ImportPath, ".test") {
			continue
		}
		own = append(own, l)
		for _, imp := range l.Imports {
			// A test variant ("q [p.test]") is listed by its plain path.
			imports[strings.Fields(imp)[0]] = true
		}
	}
	for _, l := range own {
		delete(imports, strings.Fields(l.ImportPath)[0])
	}
	delete(imports, "C")
	delete(imports, "unsafe")
	exports := make(map[string]string)
	if len(imports) > 0 {
		args := []string{"-e", "-export", "-json=ImportPath,Export"}
		for imp := range imports {
			args = append(args, imp)
		}
		deps, err := goList(gobin, dir, args...)
		if err != nil {
			return nil, nil, err
		}
		for _, l := range deps {
			if l.Export != "" {
				exports[l.ImportPath] = l.Export
			}
		}
	}
	// The package with its test files is the variant built for the test
	// ("p [p.test]"); without test files there is only "p".
	var base, xtest *listed
	for i := range own {
		l := &own[i]
		switch {
		case strings.HasSuffix(l.Name, "_test"):
			xtest = l
		case l.ForTest != "" || base == nil:
			base = l
		}
	}
	if base == nil {
		return nil, nil, fmt.Errorf("go list in %s: no package in the directory", dir)
	}
	if base.Error != nil && len(base.GoFiles)+len(base.TestGoFiles) == 0 {
		return nil, nil, fmt.Errorf("go list in %s: %s", dir, base.Error.Err)
	}
	fset := token.NewFileSet()
	var stamps []fileStamp
	gc := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	check := func(l *listed, names []string, self *Package) (*Package, error) {
		p := &Package{Path: strings.Fields(l.ImportPath)[0], Dir: dir, Fset: fset, src: make(map[string][]byte)}
		seen := make(map[string]bool)
		for _, n := range names {
			if seen[n] {
				continue // a test variant lists its test files among GoFiles too
			}
			seen[n] = true
			path := filepath.Join(dir, n)
			src, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", path, err)
			}
			fi, err := os.Stat(path)
			if err == nil {
				stamps = append(stamps, fileStamp{path, fi.Size(), fi.ModTime()})
			}
			f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
			if err != nil {
				return nil, fmt.Errorf("parsing %s: %w", path, err)
			}
			p.Files = append(p.Files, f)
			p.src[path] = src
		}
		p.Info = &types.Info{
			Types:      make(map[ast.Expr]types.TypeAndValue),
			Defs:       make(map[*ast.Ident]types.Object),
			Uses:       make(map[*ast.Ident]types.Object),
			Selections: make(map[*ast.SelectorExpr]*types.Selection),
			Implicits:  make(map[ast.Node]types.Object),
		}
		// An import whose export data this binary cannot read (written by
		// another Go version than the one it was built with: the go command
		// on PATH may be any) panics inside the importer; it is an error of
		// the load instead, and the caller falls back to the syntax.
		var importErr error
		conf := types.Config{
			Importer: importerFunc(func(path string) (pkg *types.Package, err error) {
				if self != nil && self.Types != nil && path == self.Path {
					return self.Types, nil
				}
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("reading the export data of %s, which %s cannot read (built by another Go version?): %v", path, runtime.Version(), r)
						if importErr == nil {
							importErr = err
						}
					}
				}()
				return gc.Import(path)
			}),
			FakeImportC: true,
			// Keep going: a file that does not compile still types the rest.
			Error: func(err error) { p.Errors = append(p.Errors, err) },
		}
		p.Types, _ = conf.Check(p.Path, fset, p.Files, p.Info)
		if importErr != nil {
			return nil, importErr
		}
		p.index()
		return p, nil
	}
	names := append(append(append([]string(nil), base.GoFiles...), base.CgoFiles...), base.TestGoFiles...)
	bp, err := check(base, names, nil)
	if err != nil {
		return nil, nil, err
	}
	pkgs := []*Package{bp}
	if xtest != nil && len(xtest.XTestGoFiles) > 0 {
		xp, err := check(xtest, xtest.XTestGoFiles, bp)
		if err != nil {
			return nil, nil, err
		}
		pkgs = append(pkgs, xp)
	}
	return pkgs, stamps, nil
}

// goList runs go list in dir and decodes its packages.
func goList(gobin, dir string, args ...string) ([]listed, error) {
	cmd := exec.Command(gobin, append([]string{"list"}, args...)...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list in %s: %w: %s", dir, err, firstLine(stderr.String()))
	}
	var pkgs []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var l listed
		if err := dec.Decode(&l); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading go list output in %s: %w", dir, err)
		}
		pkgs = append(pkgs, l)
	}
	return pkgs, nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
