//go:build unix

package report

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
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
			return withEdits(newExplained(leaks, Options{ModuleRoot: mod}))
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

// shardJSON is a small valid document with one report of one group of n
// goroutines, its total set to total; edit changes the text before it is
// read, to plant a hostile value.
func shardJSON(count, total string) string {
	return `{"schema_version":1,"package":"p","generated_at":"2026-01-02T03:04:05Z","reports":[{"title":"T","total":` + total +
		`,"groups":[{"reason":"chan receive","state":"chan receive","count":` + count +
		`,"block":{"func":"p.f","file":"/src/p/f.go","line":3},"diagnosis":{"from_source":false}}]}]}`
}

// TestReadJSONRejectsHostileData: counts that would wrap sums or print
// "-7 goroutines", indexes out of range and trailing data are errors,
// not a report.
func TestReadJSONRejectsHostileData(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"negative count", shardJSON("-22", "-22"), "count -22"},
		{"count near MaxInt64", shardJSON("9223372036854775806", "9223372036854775806"), "count 9223372036854775806"},
		{"total that disagrees", shardJSON("3", "-22"), "total -22"},
		{"zero count", shardJSON("0", "0"), "count 0"},
		{"more IDs than goroutines", strings.Replace(shardJSON("1", "1"), `"count":1`, `"count":1,"goroutine_ids":[1,2]`, 1), "2 goroutine IDs"},
		{"more leaked than goroutines", strings.Replace(shardJSON("1", "1"), `"count":1`, `"count":1,"leaked":5`, 1), "5 leaked of 1"},
		{"a cycle naming a group not there", strings.Replace(shardJSON("1", "1"), `"total":1`, `"total":1,"cycles":[{"kind":"lock order","groups":[0,7]}]`, 1), "names group 7"},
		{"trailing garbage", shardJSON("1", "1") + "garbage", "data after the report"},
		{"a second document", shardJSON("1", "1") + shardJSON("1", "1"), "data after the report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ReadJSON(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ReadJSON = %v, %v; want an error saying %q", d, err, tt.want)
			}
		})
	}
	if _, err := ReadJSON(strings.NewReader(shardJSON("2", "2") + "\n\n")); err != nil {
		t.Errorf("a valid document with trailing blank lines: %v", err)
	}
}

// endless streams a JSON document whose one string never ends: n bytes,
// produced as read, never held.
type endless struct{ n, head int64 }

func (e *endless) Read(p []byte) (int, error) {
	const start = `{"schema_version":1,"package":"`
	if e.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), e.n)]
	k := 0
	if e.head < int64(len(start)) {
		k = copy(p, start[e.head:])
		e.head += int64(k)
	}
	for i := k; i < len(p); i++ {
		p[i] = 'a'
	}
	e.n -= int64(len(p))
	return len(p), nil
}

// TestReadJSONBounded: a 1 GB report (a plain shard JSON, or what a zip
// bomb inflates to) is refused at MaxJSONBytes, with memory bounded.
func TestReadJSONBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 64 MiB")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := ReadJSON(&endless{n: 1 << 30})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("ReadJSON of 1 GiB = %v, want ErrTooLarge", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<30 {
		t.Errorf("allocated %d MiB reading it, want under 1 GiB", alloc>>20)
	} else {
		t.Logf("allocated %d MiB reading it", alloc>>20)
	}
}

// TestShardPatternsDoNotOverrideCatalog: a document's pattern texts for
// an ID this build knows never reach the pages.
func TestShardPatternsDoNotOverrideCatalog(t *testing.T) {
	const planted = "PLANTED_PATTERN_TEXT"
	in := strings.Replace(shardJSON("1", "1"), `"from_source":false`, `"from_source":false,"pattern_id":"LH001"`, 1)
	in = strings.Replace(in, `"reports":`, `"patterns":[{"id":"LH001","title":"`+planted+`","fix":"`+planted+`"}],"reports":`, 1)
	d, err := ReadJSON(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WritePackagePage(&b, d, PackageFiles{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteCatalogPage(&b, []*Document{d}); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), planted) {
		t.Error("the shard's pattern text replaced the catalog's")
	}
}

// TestTextEscapesControlCharacters (item 11): escape sequences in names
// (a terminal hyperlink, a screen clear, a carriage return) are shown
// escaped in the text report, never sent to the terminal.
func TestTextEscapesControlCharacters(t *testing.T) {
	fn := "p.f\x1b]8;;http://evil.example\x07click\x1b]8;;\x07"
	g := &profile.Goroutine{ID: 1, State: "chan receive\x1b[2J\rfake", Frames: []profile.Frame{{Func: fn, File: "/src/p/f\x9b31m\u009b2J.go", Line: 3}}}
	r := New([]Leak{{Goroutine: g, Test: "TestX\x1b[31m"}}, Options{Title: "T\x1b]0;title\x07", NoSource: true})
	var b bytes.Buffer
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, c := range []string{"\x1b", "\x07", "\r", "\u009b", "\x9b"} {
		if strings.Contains(out, c) {
			t.Errorf("the text report holds the control character %q:\n%s", c, out)
		}
	}
	if !strings.Contains(out, `click\x1b]8;;\a`) || !strings.Contains(out, `f\x9b31m\u009b2J.go`) {
		t.Errorf("the escape sequence is not shown escaped:\n%s", out)
	}
}

// TestMarkdownSummaryNeutralisesMarkup (item 11): a reason, package or
// test name with line breaks and Markdown cannot add headings, links or
// images to a step summary.
func TestMarkdownSummaryNeutralisesMarkup(t *testing.T) {
	in := strings.Replace(shardJSON("1", "1"), `"reason":"chan receive"`, `"reason":"x\n\n# Injected heading\n![img](http://evil.example/i.png) <img src=x>"`, 1)
	in = strings.Replace(in, `"package":"p"`, `"package":"p\n# Package heading"`, 1)
	in = strings.Replace(in, `"count":1`, `"count":1,"tests":["TestX\n[link](http://evil.example)"]`, 1)
	d, err := ReadJSON(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteMarkdownSummary(&b, []*Document{d}, SummaryOptions{Page: "index.html\n# Page", Artifact: "a\n![x](y)"}); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") && !strings.HasPrefix(line, "### leakhound") {
			t.Errorf("a value started a heading: %q", line)
		}
		if strings.HasPrefix(strings.TrimSpace(line), "[") || strings.HasPrefix(strings.TrimSpace(line), "!") {
			t.Errorf("a value started a link or image line: %q", line)
		}
	}
	for _, raw := range []string{"![img](", "<img"} {
		if strings.Contains(md, raw) {
			t.Errorf("the summary holds %q as markup:\n%s", raw, md)
		}
	}
}
