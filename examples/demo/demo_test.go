package main

import (
	"bytes"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/profile"
)

// TestRun runs the demo into a temporary directory and checks what a
// person following the README would look at: the text names every
// example's pattern, the HTML files exist and name them too, the output
// says where the report is, and no goroutine of the demo is left.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(&out, dir); err != nil {
		t.Fatalf("run: %v\noutput:\n%s", err, out.String())
	}
	text := out.String()

	if want := fmt.Sprintf("%d of %d leave no goroutine behind", len(scenarios()), len(scenarios())); !strings.Contains(text, want) {
		t.Errorf("the output does not report the fixed versions clean (%q):\n%s", want, text)
	}

	index := filepath.Join(dir, "index.html")
	if !strings.Contains(text, index) {
		t.Errorf("the output does not say where the report is (%s):\n%s", index, text)
	}
	if _, err := os.Stat(index); err != nil {
		t.Fatalf("no index.html: %v", err)
	}
	html := packagePage(t, dir)

	for _, s := range scenarios() {
		if !strings.Contains(text, "["+s.PatternID+"]") {
			t.Errorf("the text report does not name %s's pattern %s", s.Name, s.PatternID)
		}
		if !strings.Contains(html, s.PatternID) || !strings.Contains(html, template.HTMLEscapeString(s.Title)) {
			t.Errorf("the HTML report does not show %s (%q) with its pattern %s", s.Name, s.Title, s.PatternID)
		}
		if !strings.Contains(text, s.Name+": "+s.Title) {
			t.Errorf("the text report has no section for %s", s.Name)
		}
	}

	assertReleased(t)
}

// assertReleased fails t if a goroutine started by an example is alive.
func assertReleased(t *testing.T) {
	t.Helper()
	snap, err := profile.Capture()
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range snap.Goroutines {
		if v, ok := g.Labels[harness.LabelKey]; ok {
			t.Errorf("goroutine %d of example run %s is still alive after run returned (%s)", g.ID, v, g.State)
		}
	}
}

// packagePage returns the demo's package page: the groups, not the
// catalog, which names every pattern whatever leaked.
func packagePage(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "pkg-*.html"))
	if err != nil || len(files) != 1 {
		t.Fatalf("want one package page in %s, found %v (%v)", dir, files, err)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestRunBadDir checks that an unwritable report directory is an error
// that names the problem, not a crash.
func TestRunBadDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run(&out, filepath.Join(file, "report"))
	if err == nil {
		t.Fatal("run wrote a report under a regular file")
	}
	if !strings.Contains(err.Error(), "report files") {
		t.Errorf("the error does not say what failed: %v", err)
	}
	assertReleased(t)
}

// TestCheckFixedCatchesALeak gives checkFixed a "fixed" version that still
// leaks: the demo must fail rather than call it clean.
func TestCheckFixedCatchesALeak(t *testing.T) {
	stillLeaky := harness.Scenario{
		Name: "stillleaky",
		Fixed: func() (func(), error) {
			release := make(chan struct{})
			go func() { <-release }()
			return func() { close(release) }, nil
		},
	}
	var out bytes.Buffer
	err := checkFixed(&out, []harness.Scenario{stillLeaky}, 50*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "stillleaky") {
		t.Errorf("checkFixed = %v, want an error naming stillleaky; output:\n%s", err, out.String())
	}
	assertReleased(t)
}
