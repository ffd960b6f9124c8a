package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/srcfile"
	"github.com/leakhound/leakhound/profile"
)

func renderHTML(t *testing.T, r *Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// The payloads a hostile or unlucky value could carry into a page.
var htmlPayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
}

// TestHTMLEscapesReportValues puts each payload into each user-controlled
// value and checks that every page shows it as text: the raw tag never
// appears, its escaped form does.
func TestHTMLEscapesReportValues(t *testing.T) {
	pkgPage := testPageFiles("example.com/x").HTML
	// Most values appear on every page; the report's title and package
	// only on the pages that show them.
	fields := []struct {
		name string
		set  func(r *Report, v string)
		only []string // the pages that must show the value, nil for all
	}{
		{"label value", func(r *Report, v string) { r.Groups[0].Stack.Labels = map[string]string{"k": v} }, nil},
		{"label key", func(r *Report, v string) { r.Groups[0].Stack.Labels = map[string]string{v: "x"} }, nil},
		{"function name", func(r *Report, v string) { r.Groups[0].Block.Func = v; r.Groups[0].Stack.Frames[0].Func = v }, nil},
		{"file path", func(r *Report, v string) { r.Groups[0].Block.File = v; r.Groups[0].Stack.Frames[0].File = v }, nil},
		{"test name", func(r *Report, v string) { r.Groups[0].Tests = []string{v} }, nil},
		{"created by", func(r *Report, v string) { r.Groups[0].CreatedBy = &profile.Frame{Func: v, File: v, Line: 1} }, nil},
		{"state", func(r *Report, v string) { r.Groups[0].State = v }, nil},
		{"reason", func(r *Report, v string) { r.Groups[0].Reason = Reason(v) }, nil},
		{"diagnosis", func(r *Report, v string) {
			r.Groups[0].Diagnosis.Summary = v
			r.Groups[0].Diagnosis.Evidence = []string{v}
		}, nil},
		{"quoted source in the diagnosis", func(r *Report, v string) {
			r.Groups[0].Diagnosis.Summary = "blocks at `" + v + "` forever"
			r.Groups[0].Diagnosis.Evidence = []string{"`" + v}
		}, nil},
		{"pattern ID", func(r *Report, v string) { r.Groups[0].Diagnosis.PatternID = v }, nil},
		{"facts", func(r *Report, v string) {
			ref := SourceRef{File: v, Line: 3, Func: v, Text: v, Kind: v}
			r.Groups[0].Diagnosis.Fix = v
			r.Groups[0].Diagnosis.Facts = Facts{Op: v, Object: v, Make: &ref, Buffer: v,
				Select:   &SelectFacts{Line: 2, Cases: []SelectCase{{Line: 3, Channel: v, Partners: []SourceRef{ref}}}},
				Held:     []LockFact{{Mutex: v, Lock: ref}},
				Partners: []SourceRef{ref},
				Closer:   &Closer{Type: v, Method: v, At: ref, Owners: []SourceRef{ref}},
				Context:  v, ContextFrom: v, Cycle: 1}
			r.Cycles = []Cycle{{Kind: v, Groups: []int{0, 1}, Edges: []CycleEdge{{Wait: ref, Release: ref, Why: v}, {Wait: ref, Release: ref, Why: "`" + v + "`"}}}}
		}, []string{"WriteHTML", pkgPage}},
		{"title", func(r *Report, v string) { r.Title = v }, []string{"WriteHTML", pkgPage}},
		{"package", func(r *Report, v string) { r.Package = v }, []string{"WriteHTML"}},
	}
	for _, f := range fields {
		for i, payload := range htmlPayloads {
			t.Run(fmt.Sprintf("%s/%d", f.name, i), func(t *testing.T) {
				r := fixtureReports(t, t.TempDir(), "example.com/app/store")[0]
				f.set(r, payload)
				pages := map[string]string{"WriteHTML": renderHTML(t, r)}
				dir := t.TempDir()
				writePagesDir(t, dir, packageDoc("example.com/x", r))
				for _, name := range []string{IndexPage, pkgPage} {
					b, err := os.ReadFile(filepath.Join(dir, name))
					if err != nil {
						t.Fatal(err)
					}
					pages[name] = string(b)
				}
				for name, page := range pages {
					for _, raw := range []string{"<script>alert", "<img src=x", "</script>alert"} {
						if strings.Contains(page, raw) {
							t.Errorf("%s: raw %q in the page", name, raw)
						}
					}
					if f.only != nil && !slices.Contains(f.only, name) {
						continue
					}
					if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") && !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;") {
						t.Errorf("%s: the escaped payload is not on the page", name)
					}
					// The page's own script is the only one.
					if n := strings.Count(page, "<script"); n != 1 {
						t.Errorf("%s: %d <script elements, want only the page's own", name, n)
					}
				}
			})
		}
	}
}

func TestHTMLReportContent(t *testing.T) {
	src := t.TempDir()
	reports := fixtureReports(t, src, "example.com/app/store")
	merged := &Report{Title: "TestFetch", Package: "example.com/app/store", ModuleRoot: src, sources: reports[0].sources}
	for _, r := range reports {
		merged.Groups = append(merged.Groups, r.Groups...)
		merged.Total += r.Total
	}
	merged.Groups[0].Stack.Ancestors = []profile.Ancestor{{ID: 7, Frames: []profile.Frame{{Func: "example.com/app/store.TestFetch", File: "/src/app/store_test.go", Line: 12}}}}
	page := renderHTML(t, merged)
	tests := []struct {
		name string
		want string // a regular expression
	}{
		{"headline count", `<b>7</b> leaked goroutines in 3 groups`},
		{"tests at a glance", `From <code title="TestFetch">TestFetch</code><code title="TestFetchMany">TestFetchMany</code><code title="TestIdle">TestIdle</code>`},
		{"chart bar per reason", `(?s)<title>4 goroutines: channel send \(chan-send\)</title>.*<title>2 goroutines: empty select.*<title>1 goroutine: Mutex.Lock`},
		{"group count and badge", `(?s)4×</span>\s*<span class="badge"[^>]*>channel send</span>`},
		{"highlighted blocking line", `<span class="src-line hit"><span class="ln">10</span>            ch &lt;- load\(k\)</span>`},
		{"context line before", `<span class="src-line"><span class="ln">7</span>    ch := make\(chan string\)</span>`},
		{"context line after", `<span class="src-line"><span class="ln">13</span>    return &lt;-ch</span>`},
		{"missing source", `Source unavailable: /nonexistent/idle.go is not on this machine.`},
		{"created at", `Created at</dt><dd><code title="example.com/app/store.Fetch">store.Fetch</code> at <code title="` + regexp.QuoteMeta(filepath.Join(src, "store.go")) + `:9">store.go:9</code>`},
		{"blocked at, relative to the module", `Blocked at</dt><dd><code title="` + regexp.QuoteMeta(filepath.Join(src, "store.go")) + `:10">store.go:10</code> · <span class="mono">chan send</span> · 2 min`},
		{"source caption", `<figcaption title="` + regexp.QuoteMeta(filepath.Join(src, "store.go")) + `">store.go</figcaption>`},
		{"standard library frame", `<span class="pos mono" title="/usr/local/go/src/runtime/chan.go:161">runtime/chan.go:161</span>`},
		{"diagnosis", `<p>Sends on an unbuffered channel nobody receives from after the first result.</p>`},
		{"evidence", `<li>only one receive &lt;-ch at store.go:13</li>`},
		{"evidence quoting source", `<li><code>ch &lt;- load\(k\)</code> at store.go:10</li>`},
		{"stack only caveat", `Based on the stack alone`},
		{"folded stack", `<details class="stack">\s*<summary>Full stack of goroutine 21 \(one of 4\)</summary>`},
		{"blocking frame marked in stack", `<li class="blk"><code title="example.com/app/store.Fetch.func1">`},
		{"labels", `<th>leakhound.test</th><td><code>TestFetch</code>`},
		{"goroutine ids", `Goroutine IDs: <span class="mono">21, 22, 23, 24</span>`},
		{"ancestors", `(?s)started from goroutine 7, which was at:</p>\s*<ol class="frames"><li><code title="example.com/app/store.TestFetch">store.TestFetch</code> <span class="pos mono" title="/src/app/store_test.go:12">/src/app/store_test.go:12</span></li></ol>`},
		{"catalog link", `href="#LH001"`},
		{"anchor", `id="r0-g0"`},
		{"filter data", `data-tests="TestFetch\nTestFetchMany"`},
		{"filters hidden without script", `<div class="filters" id="filters" hidden>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !regexp.MustCompile(tt.want).MatchString(page) {
				t.Errorf("page does not match %s", tt.want)
			}
		})
	}
	for _, banned := range []string{"http://", "https://", "@import", "url("} {
		if strings.Contains(page, banned) {
			t.Errorf("page refers to something outside itself: %q", banned)
		}
	}
}

func TestHTMLPatternFix(t *testing.T) {
	r := fixtureReports(t, t.TempDir(), "example.com/app/store")[0]
	// A pattern this build's catalog does not know (a newer writer's),
	// so the document's own text is what the page shows.
	r.Groups[0].Diagnosis.PatternID = "LH999"
	pat := Pattern{ID: "LH999", Title: "Send nobody receives", Why: "The receiver returned early.", Fix: "Buffer the channel.",
		Before: "ch := make(chan string)", After: "ch := make(chan string, len(keys))"}
	tests := []struct {
		name        string
		catalogPage string
		want        []string
	}{
		{"patterns on the page", "", []string{
			`<h4><span class="pid">LH999</span>Send nobody receives · <a href="#LH999">catalog entry</a></h4>`,
			`<p><strong>Fix:</strong> Buffer the channel.</p>`,
			`<div class="before"><h5>Before</h5><pre><code>ch := make(chan string)</code></pre></div>`,
			`<div class="after"><h5>After</h5><pre><code>ch := make(chan string, len(keys))</code></pre></div>`,
			`<article class="pattern" id="LH999">`,
			`<p>The receiver returned early.</p>`,
		}},
		{"patterns on the catalog page", "catalog.html", []string{
			`<a href="catalog.html#LH999">catalog entry</a>`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newHTMLPage("t", "", []*Report{r}, patternSource{"LH999": pat}, tt.catalogPage)
			var buf bytes.Buffer
			if err := p.render(&buf, "report"); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("page lacks %s", w)
				}
			}
			if tt.catalogPage != "" && strings.Contains(buf.String(), `class="pattern"`) {
				t.Error("the catalog is on its own page, yet the page repeats it")
			}
		})
	}
}

func TestHTMLEmptyReport(t *testing.T) {
	page := renderHTML(t, &Report{Title: "TestNothing"})
	for _, w := range []string{"No leaked goroutines", `<p class="verdict clean"><b>0</b> leaked goroutines</p>`, "<title>TestNothing · leakhound</title>"} {
		if !strings.Contains(page, w) {
			t.Errorf("empty report lacks %q", w)
		}
	}
	if strings.Contains(page, `id="filters"`) {
		t.Error("an empty report has nothing to filter, yet shows the filter bar")
	}
}

func TestHTMLReadSource(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.go")
	if err := os.WriteFile(file, []byte("l1\nl2\n\tl3\nl4\nl5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	goDir := filepath.Join(dir, "d.go")
	if err := os.Mkdir(goDir, 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		file      string
		line      int
		wantLines []int
		wantHit   int
		whySubstr string
	}{
		{"middle", file, 3, []int{2, 3, 4}, 3, ""},
		{"first line", file, 1, []int{1, 2}, 1, ""},
		{"last line", file, 5, []int{4, 5}, 5, ""},
		{"past the end", file, 9, nil, 0, "fewer than line 9"},
		{"missing file", filepath.Join(dir, "gone.go"), 3, nil, 0, "not on this machine"},
		{"directory", dir, 3, nil, 0, "not a Go source file"},
		{"directory named .go", goDir, 3, nil, 0, "not a Go source file"},
		{"no reader", file, 3, nil, 0, "not read for this report"},
		{"unknown line", file, 0, nil, 0, "not known"},
		{"no file", "", 3, nil, 0, "not known"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			read := srcfile.New(dir)
			if tt.name == "no reader" {
				read = nil
			}
			s := htmlReadSource(read, tt.file, tt.line, 1)
			var got []int
			hit := 0
			for _, l := range s.Lines {
				got = append(got, l.N)
				if l.Hit {
					hit = l.N
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.wantLines) || hit != tt.wantHit {
				t.Errorf("lines %v hit %d, want %v hit %d", got, hit, tt.wantLines, tt.wantHit)
			}
			if !strings.Contains(s.Why, tt.whySubstr) || (tt.whySubstr == "") != (s.Why == "") {
				t.Errorf("why %q, want it to say %q", s.Why, tt.whySubstr)
			}
		})
	}
	if s := htmlReadSource(srcfile.New(dir), file, 3, 1); s.Lines[1].Text != "    l3" {
		t.Errorf("tab not expanded: %q", s.Lines[1].Text)
	}
}

func TestHTMLTicks(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"`v := <-ch` blocks", "<code>v := &lt;-ch</code> blocks"},
		{"a `b` c `d`", "a <code>b</code> c <code>d</code>"},
		{"unpaired ` stays", "unpaired ` stays"},
		{"`<img src=x>`", "<code>&lt;img src=x&gt;</code>"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(htmlTicks(tt.in)); got != tt.want {
			t.Errorf("htmlTicks(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHTMLShortFunc(t *testing.T) {
	tests := []struct{ in, want string }{
		{"github.com/a/b.(*T).run.func1", "b.(*T).run.func1"},
		{"main.main", "main.main"},
		{"net/http.(*conn).serve", "http.(*conn).serve"},
		{"", "unknown function"},
		{"trailing/", "trailing/"},
		{"github.com/a/lib/v3.New.func1", "lib.New.func1"},
		{"github.com/a/lib/v12.(*T).run", "lib.(*T).run"},
		{"example.com/v2.F", "v2.F"},
		{"github.com/a/b/v1.F", "v1.F"},
		{"github.com/a/b/v0.F", "v0.F"},
		{"github.com/a/b/vendor.F", "vendor.F"},
		{"gopkg.in/yaml%2ev3.Unmarshal", "yaml%2ev3.Unmarshal"},
	}
	for _, tt := range tests {
		if got := htmlShortFunc(tt.in); got != tt.want {
			t.Errorf("htmlShortFunc(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestHTMLEscapesStoredPatterns covers pages built from JSON files alone:
// a file can say anything, and the index and catalog must show it as text.
func TestHTMLEscapesStoredPatterns(t *testing.T) {
	for i, payload := range htmlPayloads {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			dir := t.TempDir()
			id := "LH9" + payload
			r := &Report{Title: "TestEvil", Package: "example.com/evil", Total: 1, Groups: []*Group{{
				Reason: ReasonChanReceive, State: "chan receive", Count: 1, Tests: []string{"TestEvil"},
				Block:     profile.Frame{Func: "evil.f", File: "/src/evil/leak.go", Line: 7},
				Diagnosis: Diagnosis{PatternID: id, Summary: payload},
			}}}
			written := &Document{Package: "example.com/evil" + payload, Reports: []*Report{r}, Patterns: map[string]Pattern{
				id: {ID: id, Title: payload, Why: payload, Fix: payload, Before: payload, After: payload},
			}}
			var file bytes.Buffer
			if err := written.WriteJSON(&file); err != nil {
				t.Fatal(err)
			}
			doc, err := ReadJSON(&file)
			if err != nil {
				t.Fatal(err)
			}
			writePagesDir(t, dir, doc)
			for _, name := range []string{IndexPage, CatalogPage} {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				page := string(b)
				for _, raw := range []string{"<script>alert", "<img src=x"} {
					if strings.Contains(page, raw) {
						t.Errorf("%s: raw %q in the page", name, raw)
					}
				}
				if !strings.Contains(page, "alert(1)") {
					t.Errorf("%s: the stored value is not on the page at all", name)
				}
			}
		})
	}
}
