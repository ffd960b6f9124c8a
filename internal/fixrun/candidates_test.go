package fixrun

import (
	"go/format"
	"os"
	"path/filepath"
	"testing"

	"github.com/leakhound/leakhound/report"
)

func TestFamilyCombinations(t *testing.T) {
	file := filepath.Join(t.TempDir(), "p.go")
	if err := os.WriteFile(file, []byte("package p\n\nvar a, b = 1, 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	edit := func(at int, text string) []report.Edit {
		return []report.Edit{{File: file, Start: at, End: at, Line: 3, EndLine: 3, New: text}}
	}
	own := [][]*candidate{
		{{summary: "a1", family: "unlock around", edits: edit(15, "x")}, {summary: "a2", family: "buffer", edits: edit(16, "y")}},
		{{summary: "b1", family: "unlock around", edits: edit(18, "z")}},
		{{summary: "c1", family: "move", edits: edit(19, "w")}},
	}
	got := familyCombinations(own)
	// Only "unlock around" is in two groups; buffer and move in one each.
	if len(got) != 1 {
		t.Fatalf("%d combinations, want 1: %+v", len(got), got)
	}
	if got[0].summary != "a1; and b1" || len(got[0].edits) != 2 || got[0].from != speculativeFrom {
		t.Errorf("combination %q with %d edits from %q", got[0].summary, len(got[0].edits), got[0].from)
	}
	// Edits that overlap do not combine.
	own[1][0].edits = edit(15, "x2")
	own[1][0].edits[0].End = 17
	if got := familyCombinations(own); len(got) != 0 {
		t.Errorf("overlapping edits combined: %q", got[0].summary)
	}
}

// applyCandidate applies c's edits to src, checks that the result is
// gofmt-clean, and returns it.
func applyCandidate(t *testing.T, src string, c *candidate) string {
	t.Helper()
	out, err := report.ApplyEdits([]byte(src), c.edits)
	if err != nil {
		t.Fatal(err)
	}
	if formatted, err := format.Source(out); err != nil || string(formatted) != string(out) {
		t.Errorf("the edited file is not gofmt-clean (%v):\n%s", err, out)
	}
	return string(out)
}
