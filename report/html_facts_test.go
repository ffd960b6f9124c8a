package report

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
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
