package profile

import "strings"

// StandardOnly reports whether every frame of g, and the go statement that
// created it, belongs to the runtime or the standard library. Such
// goroutines (GC workers, signal handling, idle connections the standard
// library keeps) are part of every Go process and rarely what a person
// hunting a leak wants to see. A goroutine without frames is not
// standard-only: nothing is known about it.
func (g *Goroutine) StandardOnly() bool {
	if len(g.Frames) == 0 {
		return false
	}
	for _, f := range g.Frames {
		if !standardFrame(f) {
			return false
		}
	}
	return g.CreatedBy == nil || standardFrame(*g.CreatedBy)
}

// standardFrame reports whether f is in the runtime or the standard
// library. The import path decides first (Frame.Standard). A module may
// still be named like a standard package, so when the file is known it must
// also sit in a GOROOT-like ".../src/<dot-less dir>/" tree.
//
// The main function go test generates (_testmain.go) counts as standard
// library too: it is the testing package's harness, not the user's code.
func standardFrame(f Frame) bool {
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
