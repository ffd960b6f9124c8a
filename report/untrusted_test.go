//go:build unix

package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// TestNoDisclosure is the hostile input of a dump or a shard whose frames
// name files that are not the user's Go source: a secret file, a .go link
// to it, /etc/passwd and /proc/self/environ (holding a planted token).
// Whatever renders the report (text, HTML, the diff, a page rendered from
// the JSON as merge does) shows no byte of them; -nosource reads nothing,
// not even the module's own Go files.
func TestNoDisclosure(t *testing.T) {
	const token = "LEAKHOUND_PLANTED_SECRET_4f9a"
	t.Setenv("LEAKHOUND_TEST_PLANTED", token)
	mod, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	// Every line holds the token, so any excerpt of it shows it.
	if err := os.WriteFile(secret, []byte(strings.Repeat(token+"\n", 20)), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(mod, "link.go")
	if err := os.Symlink(secret, link); err != nil {
		t.Fatal(err)
	}
	goSecret := filepath.Join(outside, "secret.go")
	if err := os.WriteFile(goSecret, []byte("package secret\n\n// "+token+"\nfunc f() { select {} }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	own := filepath.Join(mod, "own.go")
	if err := os.WriteFile(own, []byte("package own\n\n// OWN_SOURCE_LINE\nfunc f() { select {} }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := []string{secret, link, goSecret, "/etc/passwd", "/proc/self/environ", own}
	var leaks []Leak
	for i, f := range files {
		fr := profile.Frame{Func: "example.com/own.f", File: f, Line: 3}
		leaks = append(leaks, Leak{Goroutine: &profile.Goroutine{ID: int64(i + 1), State: "select (no cases)", Frames: []profile.Frame{fr}, CreatedBy: &fr}})
	}
	// The diff and the HTML edit view read the edit's file: an edit whose
	// Old text matches the secret would show its lines as context.
	withEdits := func(r *Report) *Report {
		for i, g := range r.Groups {
			f := files[i%len(files)]
			g.Diagnosis.Suggestion = &Suggestion{Summary: "s", Edits: []Edit{{File: f, Start: 0, End: 4, Line: 1, EndLine: 1, Old: "LEAK", New: "x"}}, Lines: []string{"x"}}
		}
		return r
	}

	render := func(t *testing.T, r *Report) string {
		var b bytes.Buffer
		for _, write := range []func(*bytes.Buffer) error{
			func(b *bytes.Buffer) error { return r.WriteText(b) },
			func(b *bytes.Buffer) error { return r.WriteHTML(b) },
			func(b *bytes.Buffer) error { r.WriteDiff(b); return nil },
			func(b *bytes.Buffer) error {
				return WritePackagePage(b, &Document{Package: "p", Reports: []*Report{r}}, PackageFiles{})
			},
		} {
			if err := write(&b); err != nil {
				t.Fatal(err)
			}
		}
		return b.String()
	}
	fromJSON := func(t *testing.T, r *Report) *Report {
		var b bytes.Buffer
		if err := (&Document{Package: "p", Reports: []*Report{r}}).WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		d, err := ReadJSON(&b)
		if err != nil {
			t.Fatal(err)
		}
		return d.Reports[0]
	}

	tests := []struct {
		name    string
		report  func(t *testing.T) *Report
		showOwn bool // the module's own Go file may be shown
	}{
		{"built with the module as root", func(*testing.T) *Report {
			return withEdits(New(leaks, Options{ModuleRoot: mod}))
		}, true},
		{"built with -nosource", func(*testing.T) *Report {
			return withEdits(New(leaks, Options{ModuleRoot: mod, NoSource: true}))
		}, false},
		{"rendered from JSON, as merge does", func(t *testing.T) *Report {
			return withEdits(fromJSON(t, New(leaks, Options{ModuleRoot: mod, NoSource: true})))
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, tt.report(t))
			for _, leak := range []string{token, "root:x:0", "root:*:0"} {
				if strings.Contains(out, leak) {
					t.Errorf("the output discloses %q", leak)
				}
			}
			if got := strings.Contains(out, "OWN_SOURCE_LINE"); got != tt.showOwn {
				t.Errorf("the output shows the module's own source: %v, want %v", got, tt.showOwn)
			}
		})
	}
}
