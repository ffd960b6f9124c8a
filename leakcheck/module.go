package leakcheck

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Where the code under test lives: the module root, for relative paths in
// reports and the source the diagnosis reads, and the package under test,
// for report titles and files.

// root caches the module root, found once per process.
var root struct {
	once sync.Once
	dir  string
}

// moduleRoot returns the directory of the go.mod above the working
// directory, which go test sets to the package's directory, or "".
func moduleRoot() string {
	root.once.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				root.dir = dir
				return
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				return
			}
			dir = parent
		}
	})
	return root.dir
}

// testedPackage turns the package of a test function into the package under
// test: an external test package "p_test" tests "p".
func testedPackage(pkg string) string {
	return strings.TrimSuffix(pkg, "_test")
}
