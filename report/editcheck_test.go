package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// TestEditCheckLabels checks that every renderer labels a suggested edit
// with fix's verdict: unverified with the command that verifies it when
// fix has not run, verified or not when it has.
func TestEditCheckLabels(t *testing.T) {
	file := filepath.Join(t.TempDir(), "leak.go")
	src := "package p\n\nfunc f() {\n\tch := make(chan int)\n\tgo func() { ch <- 1 }()\n}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	old := "make(chan int)"
	at := strings.Index(src, old)
	sug := &Suggestion{
		Summary: "buffer ch",
		Edits:   []Edit{{File: file, Start: at, End: at + len(old), Line: 4, EndLine: 4, Old: old, New: "make(chan int, 1)"}},
		Lines:   []string{"ch := make(chan int) → make(chan int, 1)"},
	}
	const command = "leakhound fix -run '^(TestF)$' example.com/p"
	tests := []struct {
		name  string
		check *EditCheck
		want  string
	}{
		{name: "not tried", want: "unverified; " + command},
		{name: "verified", check: &EditCheck{Outcome: EditVerified, Command: command}, want: "verified by leakhound fix"},
		{name: "still leaks", check: &EditCheck{Outcome: "still leaks", Command: command}, want: "not verified: leakhound fix found it still leaks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &Group{Reason: ReasonChanSend, Count: 1, Tests: []string{"TestF/sub"}, Block: profile.Frame{Func: "example.com/p.f.func1", File: file, Line: 5},
				Diagnosis: Diagnosis{Suggestion: sug, FromSource: true}, EditCheck: tt.check}
			r := &Report{Title: "TestF", Package: "example.com/p", Total: 1, Groups: []*Group{g}}
			var text, html, js bytes.Buffer
			if err := r.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if err := r.WriteHTML(&html); err != nil {
				t.Fatal(err)
			}
			if err := r.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(text.String(), tt.want) {
				t.Errorf("text lacks %q:\n%s", tt.want, text.String())
			}
			if want := strings.ReplaceAll(tt.want, "'", "&#39;"); !strings.Contains(html.String(), want) {
				t.Errorf("HTML lacks %q", want)
			}
			if !strings.Contains(js.String(), `"command": "`+command+`"`) {
				t.Errorf("JSON lacks the command:\n%s", js.String())
			}
			doc, err := ReadJSON(&js)
			if err != nil {
				t.Fatal(err)
			}
			back := doc.Reports[0].Groups[0].EditCheck
			switch {
			case tt.check == nil && back != nil:
				t.Errorf("read back an EditCheck %+v for an edit fix never tried", back)
			case tt.check != nil && (back == nil || *back != *tt.check):
				t.Errorf("read back %+v, want %+v", back, tt.check)
			}
		})
	}
}
