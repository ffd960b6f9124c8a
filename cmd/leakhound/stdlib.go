package main

import (
	"strings"

	"github.com/leakhound/leakhound/profile"
)

// stdlibOnly reports whether every frame of g, and the go statement that
// created it, belongs to the runtime or the standard library. Such
// goroutines (GC workers, signal handling, idle connections the standard
// library keeps) are part of every Go process and rarely what a person
// hunting a leak wants to see. A goroutine without frames is not stdlib-only:
// nothing is known about it, so it is shown.
func stdlibOnly(g *profile.Goroutine) bool {
	if len(g.Frames) == 0 {
		return false
	}
	for _, f := range g.Frames {
		if !stdlibFrame(f) {
			return false
		}
	}
	return g.CreatedBy == nil || stdlibFrame(*g.CreatedBy)
}

// stdlibFrame reports whether f is in the runtime or the standard library.
// The import path decides first (profile.Frame.Standard). A module may
// still be named like a standard package, so when the file is known it must
// also sit in a GOROOT-like ".../src/<dot-less dir>/" tree.
//
// The main function go test generates (_testmain.go) counts as standard
// library too: it is the testing package's harness, not the user's code.
func stdlibFrame(f profile.Frame) bool {
	if f.File == "_testmain.go" || strings.HasSuffix(f.File, "/_testmain.go") {
		return true
	}
	if !f.Standard() {
		return false
	}
	if f.File == "" {
		return true
	}
	// Not "/src/<first>/": functions the runtime provides to other
	// standard packages (internal/poll.runtime_pollWait) live in runtime's
	// files.
	i := strings.LastIndex(f.File, "/src/")
	if i < 0 {
		return false
	}
	dir, _, _ := strings.Cut(f.File[i+len("/src/"):], "/")
	return !strings.Contains(dir, ".")
}

// funcName returns the function name without its import path:
// "TestX.func1" for "example.com/m.TestX.func1".
func funcName(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	if dot := strings.IndexByte(fn[slash+1:], '.'); dot >= 0 {
		return fn[slash+1+dot+1:]
	}
	return fn
}
