package adopt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
)

// Package is what adopt needs to know of one package: go list's view.
type Package struct {
	ImportPath   string
	Name         string
	Dir          string
	GoFiles      []string
	CgoFiles     []string
	TestGoFiles  []string
	XTestGoFiles []string
	Module       *struct{ Path, Dir, GoMod string }
}

// hasTests reports whether go test would run anything in p.
func (p *Package) hasTests() bool {
	return len(p.TestGoFiles)+len(p.XTestGoFiles) > 0
}

// testFiles returns the paths of p's test files.
func (p *Package) testFiles() []string {
	var files []string
	for _, f := range append(append([]string(nil), p.TestGoFiles...), p.XTestGoFiles...) {
		files = append(files, filepath.Join(p.Dir, f))
	}
	return files
}

// List runs go list in dir for the patterns (with the build flags, such as
// -tags, that the tests will be built with) and returns the packages.
func List(dir string, buildFlags, patterns []string) ([]*Package, error) {
	args := append([]string{"list", "-e", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles,Module,Error"}, buildFlags...)
	args = append(args, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing the packages (go %s): %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	var pkgs []*Package
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			Package
			Error *struct{ Err string }
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading go list's output: %w", err)
		}
		if p.Error != nil && p.Dir == "" {
			return nil, fmt.Errorf("listing the packages: %s", p.Error.Err)
		}
		pkg := p.Package
		pkgs = append(pkgs, &pkg)
	}
	return pkgs, nil
}
