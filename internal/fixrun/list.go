package fixrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// pkgInfo is what fix needs of a package, from go list.
type pkgInfo struct {
	ImportPath string
	Dir        string
	Name       string
	GoFiles    []string
	CgoFiles   []string
	TestGoFiles,
	XTestGoFiles []string
	IgnoredGoFiles []string
	Module         *struct {
		Path string
		Dir  string
		Main bool
	}
	Error *struct{ Err string }
}

// files returns the absolute paths of the package's Go files that the
// build with the session's tags compiles, tests included.
func (p *pkgInfo) files() map[string]bool {
	m := make(map[string]bool)
	for _, list := range [][]string{p.GoFiles, p.CgoFiles, p.TestGoFiles, p.XTestGoFiles} {
		for _, f := range list {
			m[filepath.Join(p.Dir, f)] = true
		}
	}
	return m
}

// listPackages runs go list on the patterns and returns the packages in
// the main module that have tests; the others are named in skipped with
// the reason.
func (s *session) listPackages(ctx context.Context, patterns []string) (pkgs []*pkgInfo, skipped []string, err error) {
	args := append([]string{"list", "-e", "-json"}, s.buildFlags()...)
	res, err := s.gorun.run(ctx, nil, append(args, patterns...)...)
	if err != nil {
		return nil, nil, err
	}
	if res.err != nil {
		return nil, nil, fmt.Errorf("go list %s: %w\n%s", strings.Join(patterns, " "), res.err, res.out)
	}
	dec := json.NewDecoder(strings.NewReader(string(res.out)))
	for {
		var p pkgInfo
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, nil, fmt.Errorf("reading go list's output: %w", err)
		}
		switch {
		case p.Error != nil:
			skipped = append(skipped, fmt.Sprintf("%s: %s", p.ImportPath, p.Error.Err))
		case p.Module == nil || !p.Module.Main:
			skipped = append(skipped, fmt.Sprintf("%s: not in the main module, so fix would have no file of yours to edit", p.ImportPath))
		case len(p.TestGoFiles)+len(p.XTestGoFiles) == 0:
			// No tests, nothing to run: go test would say so too.
		default:
			pkgs = append(pkgs, &p)
		}
	}
	return pkgs, skipped, nil
}
