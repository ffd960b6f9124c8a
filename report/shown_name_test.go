package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// TestLongNamesCut: a 5 MB function name (a hostile or broken dump) is cut
// in every form of the report; it was printed in full, twice.
func TestLongNamesCut(t *testing.T) {
	long := "example.com/p." + strings.Repeat("A", 5<<20)
	g := &profile.Goroutine{ID: 1, State: "chan receive " + strings.Repeat("s", 2<<20), Count: 1,
		Frames:    []profile.Frame{{Func: long, File: "/p/" + strings.Repeat("d", 2<<20) + ".go", Line: 3}},
		CreatedBy: &profile.Frame{Func: long, File: "/p/m.go", Line: 9}}
	r := New([]Leak{{Goroutine: g}}, Options{NoSource: true})
	forms := map[string]func(*bytes.Buffer) error{
		"text":        func(b *bytes.Buffer) error { return r.WriteText(b) },
		"HTML":        func(b *bytes.Buffer) error { return r.WriteHTML(b) },
		"JSON":        func(b *bytes.Buffer) error { return r.WriteJSON(b) },
		"pprof":       func(b *bytes.Buffer) error { return r.WritePprof(b) },
		"annotations": func(b *bytes.Buffer) error { return r.WriteAnnotations(b) },
	}
	for name, write := range forms {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b.Len() > 256<<10 {
			t.Errorf("the %s report takes %d KiB for one goroutine with long names, want them cut", name, b.Len()>>10)
		}
	}
	if got := shownName(strings.Repeat("é", 3000)); !strings.HasSuffix(got, "…(1904 more bytes)") {
		t.Errorf("cut in the middle of a character: %q", got[len(got)-30:])
	}
}
