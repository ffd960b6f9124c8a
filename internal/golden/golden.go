// Package golden compares test output with golden files, the one way
// leakhound's tests do: Check compares, and the -update flag every test
// binary that imports this package has rewrites the files instead.
//
//	go test ./report -run Golden -update   # rewrite report's goldens, then read the diff
//
// Golden files hold what a person reads (reports, pages, help text), so
// they hold nothing that changes when a source is only reformatted: byte
// offsets are checked at test time and left out of the files.
package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// update is the -update flag.
var update = flag.Bool("update", false, "rewrite golden files from the current output instead of comparing")

// Updating reports whether -update was given: tests that write other
// generated files (a README table, a screenshot) do so then.
func Updating() bool { return *update }

// Check compares got with the golden file at path, or with -update writes
// got there (creating its directory). A difference fails t, showing the
// first line that differs and both texts.
func Check(t testing.TB, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -run '%s' -update writes it)", err, topName(t))
	}
	if got == string(want) {
		return
	}
	t.Errorf("output differs from %s at %s (go test -run '%s' -update accepts it; then read the diff):\n--- got\n%s\n--- want\n%s",
		path, firstDifference(got, string(want)), topName(t), got, want)
}

// topName is the top-level test of t, the -run pattern that reruns it.
func topName(t testing.TB) string {
	name, _, _ := strings.Cut(t.Name(), "/")
	return "^" + name + "$"
}

// firstDifference names the first line where got and want differ.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl || i >= len(g) || i >= len(w) {
			return fmt.Sprintf("line %d: got %q, want %q", i+1, gl, wl)
		}
	}
	return "the end"
}

// Normalise makes a text report stable across runs, machines and Go
// versions: goroutine IDs vary by run, and line numbers inside Go's own
// sources vary by version. Paths are already relative to the module.
func Normalise(text string) string {
	text = idsRE.ReplaceAllStringFunc(text, func(s string) string {
		return digitsRE.ReplaceAllString(s, "N")
	})
	return stdLineRE.ReplaceAllString(text, "$1$2:N")
}

var (
	idsRE     = regexp.MustCompile(`goroutines? [0-9]+(, [0-9]+)*( \+[0-9]+ more)?`)
	digitsRE  = regexp.MustCompile(`[0-9]+`)
	stdLineRE = regexp.MustCompile(`(?m)(^|[\s(])((?:net|sync|runtime|internal|time|io|bufio|os|context|testing)/[A-Za-z0-9_./]*\.go):[0-9]+`)
)
