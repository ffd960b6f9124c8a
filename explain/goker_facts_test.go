package explain

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/golden"
	"github.com/leakhound/leakhound/report"
)

// TestHTMLFactLinksResolve checks, on real reports, that every link of a
// page to a place on the page (a partner's excerpt, a cycle, a member
// group) has its target there.
func TestHTMLFactLinksResolve(t *testing.T) {
	hrefRE := regexp.MustCompile(`href="#([^"]+)"`)
	idRE := regexp.MustCompile(`id="([^"]+)"`)
	for _, name := range htmlGoldenKernels {
		t.Run(name, func(t *testing.T) {
			page := pageOf(t, gokerReport(t, name))
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
			b := factsJSON(t, r)
			checkEditOffsets(t, r)
			golden.Check(t, filepath.Join("testdata", "goker", "golden", name+".json"), gokerStable(withoutOffsets(strings.ReplaceAll(string(b), src+"/", "GOKER/")+"\n")))
			if !slices.Contains(htmlGoldenKernels, name) {
				return
			}
			page := pageOf(t, r)
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
func checkEditOffsets(t *testing.T, r *report.Report) {
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

// factsJSON is the JSON of r's cycles and of its groups' blocks and
// diagnoses, without the evidence the text golden keeps, indented.
func factsJSON(t *testing.T, r *report.Report) []byte {
	t.Helper()
	// The report as WriteJSON has it, its groups copied so that the cached
	// report keeps its evidence.
	cp := *r
	cp.Groups = nil
	for _, g := range r.Groups {
		c := *g
		c.Diagnosis.Evidence = nil
		cp.Groups = append(cp.Groups, &c)
	}
	var buf bytes.Buffer
	if err := cp.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	type group struct {
		Block     json.RawMessage `json:"block"`
		Diagnosis json.RawMessage `json:"diagnosis"`
	}
	var doc struct {
		Reports []struct {
			Cycles json.RawMessage `json:"cycles,omitempty"`
			Groups []group         `json:"groups"`
		} `json:"reports"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil || len(doc.Reports) != 1 {
		t.Fatalf("reading the JSON report back: %v", err)
	}
	b, err := json.MarshalIndent(doc.Reports[0], "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pageOf is r's HTML page.
func pageOf(t *testing.T, r *report.Report) string {
	t.Helper()
	var b strings.Builder
	if err := r.WriteHTML(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
