package report

import (
	"path"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/profile"
)

// Where the user's code started a goroutine whose go statement is not the
// user's: sync.(*WaitGroup).Go, errgroup.(*Group).Go, time.AfterFunc's
// time.goFunc, net/http's server, httptest. The raw creator then names a
// line of Go or of a helper, which tells the reader nothing about which of
// their calls made the goroutine; Group.Origin names that call.

// How Group.Origin was found, as Group.OriginFrom spells it.
const (
	// OriginAncestors: the call in the user's code that led to the go
	// statement, read from the creators' stacks the runtime keeps under
	// GODEBUG=tracebackancestors=N.
	OriginAncestors = "ancestors"
	// OriginEntry: without those stacks the call is not recorded anywhere,
	// so the user's function the goroutine runs (the one handed to the
	// helper) stands in for it.
	OriginEntry = "entry"
)

// helperPackages are packages outside the standard library whose go
// statements start goroutines on their caller's behalf.
var helperPackages = map[string]bool{
	"golang.org/x/sync/errgroup":     true,
	"golang.org/x/sync/singleflight": true,
	"golang.org/x/sync/semaphore":    true,
}

// isUserFrame reports whether f is the user's code: outside the standard
// library, the helper packages and the test binary's generated main, and
// under the module root when it is known.
func isUserFrame(f profile.Frame, root string) bool {
	if f.Func == "" || f.Standard() || helperPackages[f.Package()] {
		return false
	}
	if path.Base(filepath.ToSlash(f.File)) == "_testmain.go" {
		return false
	}
	if root != "" && f.File != "" {
		rel, err := filepath.Rel(root, f.File)
		if rel = filepath.ToSlash(rel); err != nil || rel == ".." || strings.HasPrefix(rel, "../") || filepath.IsAbs(rel) {
			return false
		}
	}
	return true
}

// origin returns the user's frame that led to g's go statement when that
// statement is not the user's, and how it was found; nil when the creator
// is the user's own code or no user frame is known.
func origin(g *profile.Goroutine, root string) (*profile.Frame, string) {
	if g == nil || g.CreatedBy == nil || isUserFrame(*g.CreatedBy, root) {
		return nil, ""
	}
	// The ancestors' stacks, nearest first, each innermost first: the
	// first user frame is the nearest call of the user's that led here.
	for _, a := range g.Ancestors {
		for _, f := range a.Frames {
			if isUserFrame(f, root) {
				f := f
				return &f, OriginAncestors
			}
		}
		if a.CreatedBy != nil && isUserFrame(*a.CreatedBy, root) {
			f := *a.CreatedBy
			return &f, OriginAncestors
		}
	}
	// The goroutine's own stack: its outermost user frame is the function
	// the helper was handed.
	for i := len(g.Frames) - 1; i >= 0; i-- {
		if isUserFrame(g.Frames[i], root) {
			f := g.Frames[i]
			return &f, OriginEntry
		}
	}
	return nil, ""
}

// originWords introduces Group.Origin in the text and HTML reports: the
// call that led to the go statement, or the function the goroutine runs.
func originWords(from string) string {
	if from == OriginEntry {
		return "Runs your code"
	}
	return "From your code"
}
