package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/internal/srcfile"
)

// dirList is the value of a repeatable directory flag (-src).
type dirList []string

func (l *dirList) String() string { return strings.Join(*l, string(filepath.ListSeparator)) }

func (l *dirList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// sourceRoots are the directories whose Go files "leakhound report" may
// read for the diagnosis, the excerpts and the diff: the module around
// the working directory (or the working directory outside a module),
// -root, GOROOT, the module cache and every -src. A dump names whatever
// paths it likes; a file elsewhere (or not a regular .go file) is never
// read.
func sourceRoots(root string, extra []string) []string {
	env := readCLIEnv()
	dirs := []string{root, enclosingModule()}
	dirs = append(dirs, srcfile.ToolchainDirs(env.gomodcache, env.gopath)...)
	return append(dirs, extra...)
}

// enclosingModule is the directory of the go.mod around the working
// directory, or the working directory when there is none.
func enclosingModule() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for dir := wd; ; {
		if st, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && st.Mode().IsRegular() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return wd
		}
		dir = parent
	}
}
