package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/golden"
)

// TestHTMLFactsAndCyclesEscaped puts a distinct hostile value into every
// fact and cycle field the page shows, and checks that each is on the page
// as text and none as markup.
func TestHTMLFactsAndCyclesEscaped(t *testing.T) {
	r := fixtureReports(t, t.TempDir(), "example.com/app/store")[0]
	n := 0
	hostile := func() string {
		n++
		return fmt.Sprintf("<script>f%d</script>", n)
	}
	// Kind is shown for partners only (elsewhere the row says it).
	ref := func() SourceRef {
		return SourceRef{File: hostile(), Line: 3, Func: hostile(), Text: hostile(), Kind: "close"}
	}
	partner := ref()
	partner.Kind = hostile()
	g := r.Groups[0]
	g.Diagnosis.Fix = hostile()
	g.Diagnosis.Facts = Facts{
		Op: hostile(), Object: hostile(), Make: new(ref()), Buffer: hostile(),
		Select: &SelectFacts{Line: 2, Cases: []SelectCase{{Line: 3, Channel: hostile(), Stop: true,
			Partners: []SourceRef{ref()}}}},
		Held:     []LockFact{{Mutex: hostile(), Lock: ref()}},
		Partners: []SourceRef{partner},
		Closer:   &Closer{Type: hostile(), Method: hostile(), At: ref(), Owners: []SourceRef{ref()}},
		Context:  hostile(), ContextFrom: hostile(), Cycle: 1,
	}
	// The second group's block function names the cycle's member.
	r.Groups[1].Block.Func = hostile()
	r.Cycles = []Cycle{{Kind: hostile(), Groups: []int{0, 1}, Edges: []CycleEdge{
		{Wait: ref(), Release: ref(), Why: hostile()},
		{Wait: ref(), Release: ref(), Why: "`" + hostile() + "`"},
	}}}
	page := renderHTML(t, r)
	if strings.Count(page, "<script") != 1 {
		t.Errorf("%d <script elements, want only the page's own", strings.Count(page, "<script"))
	}
	for i := 1; i <= n; i++ {
		raw := fmt.Sprintf("f%d</script>", i)
		if strings.Contains(page, raw) {
			t.Errorf("value %d is on the page as markup", i)
		}
		if !strings.Contains(page, fmt.Sprintf("&lt;script&gt;f%d&lt;/script&gt;", i)) {
			t.Errorf("value %d is not on the page", i)
		}
	}
}

// TestHTMLFactLinksResolve checks, on real reports, that every link of a
// page to a place on the page (a partner's excerpt, a cycle, a member
// group) has its target there.
func TestHTMLFactLinksResolve(t *testing.T) {
	hrefRE := regexp.MustCompile(`href="#([^"]+)"`)
	idRE := regexp.MustCompile(`id="([^"]+)"`)
	for _, name := range htmlGoldenKernels {
		t.Run(name, func(t *testing.T) {
			page := renderHTML(t, gokerReport(t, name))
			var ids []string
			for _, m := range idRE.FindAllStringSubmatch(page, -1) {
				ids = append(ids, m[1])
			}
			links := 0
			for _, m := range hrefRE.FindAllStringSubmatch(page, -1) {
				if strings.HasPrefix(m[1], "LH") {
					continue // the catalog part
				}
				links++
				if !slices.Contains(ids, m[1]) {
					t.Errorf("link to #%s, which is not on the page", m[1])
				}
			}
			if links == 0 {
				t.Error("no links on the page")
			}
		})
	}
}

// htmlGoldenKernels are the GoKer kernels whose facts and cycles are kept
// as HTML: a lock-order cycle, a channel cycle, a read lock behind a
// writer, a lock-and-channel cycle, and partners without a cycle.
var htmlGoldenKernels = []string{"Cockroach10214", "Cockroach2448", "Cockroach6181", "Kubernetes10182", "Moby30408"}

// factsHTMLRE picks the parts of a page that show facts and cycles.
var factsHTMLRE = regexp.MustCompile(`(?s)<section class="cycle".*?</section>|<div class="facts">.*?</div>|<p class="gfix">.*?</p>`)

// TestGokerGoldenFacts keeps what the HTML and JSON reports show of the
// facts, fixes and cycles of the GoKer kernels: the JSON of every kernel's
// diagnoses and cycles (testdata/goker/golden/NAME.json), and the HTML of
// a few (NAME.html). Run with -update to accept a change, then read the
// diff.
func TestGokerGoldenFacts(t *testing.T) {
	src, err := filepath.Abs(filepath.Join("testdata", "goker", "src"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range gokerNames(t) {
		t.Run(name, func(t *testing.T) {
			r := gokerReport(t, name)
			type group struct {
				Block     jsonFrame     `json:"block"`
				Diagnosis jsonDiagnosis `json:"diagnosis"`
			}
			var v struct {
				Cycles []jsonCycle `json:"cycles,omitempty"`
				Groups []group     `json:"groups"`
			}
			v.Cycles = wireCycles(r.Cycles)
			for _, g := range r.Groups {
				w := wireGroup(r, g)
				w.Diagnosis.Evidence = nil // the text golden keeps it
				v.Groups = append(v.Groups, group{w.Block, w.Diagnosis})
			}
			b, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			checkEditOffsets(t, r)
			golden.Check(t, filepath.Join("testdata", "goker", "golden", name+".json"), gokerStable(withoutOffsets(strings.ReplaceAll(string(b), src+"/", "GOKER/")+"\n")))
			if !slices.Contains(htmlGoldenKernels, name) {
				return
			}
			page := renderHTML(t, r)
			parts := factsHTMLRE.FindAllString(page, -1)
			if len(parts) == 0 {
				t.Fatal("no facts or cycles on the page")
			}
			golden.Check(t, filepath.Join("testdata", "goker", "golden", name+".html"), gokerStable(strings.ReplaceAll(strings.Join(parts, "\n"), src+"/", "GOKER/")+"\n"))
		})
	}
}

// The GoKer goldens hold what leakhound says about third-party kernels,
// which are kept gofmt'd: nothing in them may change when a kernel is only
// reformatted. So the edits' byte offsets are checked here, against the
// source, and left out of the files (their lines and text stay), and runs
// of spaces and tabs inside a line, which gofmt realigns, are written as
// one space.

// checkEditOffsets checks that every edit of r's suggestions replaces, at
// its byte offsets, the text it says it replaces, on the line it names.
func checkEditOffsets(t *testing.T, r *Report) {
	t.Helper()
	for _, g := range r.Groups {
		if g.Diagnosis.Suggestion == nil {
			continue
		}
		for _, e := range g.Diagnosis.Suggestion.Edits {
			src, err := os.ReadFile(e.File)
			if err != nil {
				t.Errorf("edit in %s: %v", e.File, err)
				continue
			}
			if e.Start < 0 || e.End < e.Start || e.End > len(src) {
				t.Errorf("edit in %s: offsets %d-%d outside the file (%d bytes)", e.File, e.Start, e.End, len(src))
				continue
			}
			if got := string(src[e.Start:e.End]); got != e.Old {
				t.Errorf("edit in %s at bytes %d-%d replaces %q, says %q", e.File, e.Start, e.End, got, e.Old)
			}
			if line := 1 + bytes.Count(src[:e.Start], []byte("\n")); line != e.Line {
				t.Errorf("edit in %s at byte %d is on line %d, says line %d", e.File, e.Start, line, e.Line)
			}
		}
	}
}

// offsetRE matches the byte offsets of an edit in indented JSON.
var offsetRE = regexp.MustCompile(`(?m)^\s*"(start|end)_byte": [0-9]+,\n`)

// withoutOffsets drops the edits' byte offsets from indented JSON.
func withoutOffsets(s string) string { return offsetRE.ReplaceAllString(s, "") }

// innerSpaceRE matches a run of spaces or tabs inside a line.
var innerSpaceRE = regexp.MustCompile(`(\S)[ \t]+`)

// gokerStable writes each run of spaces and tabs that follows a visible
// character as one space, and drops trailing ones: what gofmt realigns.
// Indentation is kept.
func gokerStable(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(innerSpaceRE.ReplaceAllString(l, "$1 "), " \t")
	}
	return strings.Join(lines, "\n")
}

// BenchmarkHTMLThousandGroups is BenchmarkReportThousandGroups rendered as
// the HTML page, with every group's facts and the excerpts they link to.
func BenchmarkHTMLThousandGroups(b *testing.B) {
	benchThousandGroups(b, (*Report).WriteHTML)
}

// TestHTMLCyclesFromDamagedJSON renders cycles as a hand-edited or damaged
// JSON file may hold them: members the report does not have, no members,
// more edges than members. The page renders, links only to cards it has.
func TestHTMLCyclesFromDamagedJSON(t *testing.T) {
	tests := []struct {
		name   string
		cycle  Cycle
		linked int // links to group cards in the cycle's section
	}{
		{"out of range", Cycle{Kind: "lock order", Groups: []int{5, -1}, Edges: []CycleEdge{{Why: "a"}, {Why: "b"}}}, 0},
		{"no members", Cycle{Kind: "channels", Edges: []CycleEdge{{Why: "a"}}}, 0},
		{"more edges than members", Cycle{Kind: "channels", Groups: []int{0, 1}, Edges: []CycleEdge{{Why: "a"}, {Why: "b"}, {Why: "c"}}}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fixtureReports(t, t.TempDir(), "example.com/app/store")[0]
			r.Cycles = []Cycle{tt.cycle}
			page := renderHTML(t, r)
			sec := regexp.MustCompile(`(?s)<section class="cycle".*?</section>`).FindString(page)
			if sec == "" {
				t.Fatal("no cycle on the page")
			}
			if got := strings.Count(sec, `href="#r0-g`); got != tt.linked {
				t.Errorf("%d links to group cards, want %d:\n%s", got, tt.linked, sec)
			}
		})
	}
}

// TestHTMLFilterFindsFacts checks that the filter box finds a group by the
// code that would release it and by its cycle.
func TestHTMLFilterFindsFacts(t *testing.T) {
	r := fixtureReports(t, t.TempDir(), "example.com/app/store")[0]
	g := r.Groups[0]
	g.Diagnosis.Facts = Facts{Partners: []SourceRef{{File: "/x/a.go", Line: 3, Func: "(*Pool).Drain", Kind: "close"}},
		Closer: &Closer{Type: "Pool", Pointer: true, Method: "Shutdown"}, Cycle: 1}
	r.Cycles = []Cycle{{Kind: "lock order", Groups: []int{0, 1}}}
	page := newHTMLPage("t", "", []*Report{r}, nil, "")
	text := page.Groups[0].FilterText
	for _, want := range []string{"(*pool).drain", "(*pool).shutdown", "lock order"} {
		if !strings.Contains(text, want) {
			t.Errorf("the filter text does not hold %q:\n%s", want, text)
		}
	}
}
