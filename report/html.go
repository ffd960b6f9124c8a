package report

import (
	"embed"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/srcfile"
	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/profile"
)

// The page templates, stylesheet and script are files in assets/ so they
// read as HTML, CSS and JavaScript; they are embedded so a report is one
// self-contained file set that needs no network.
//
//go:embed assets/pages.html.tmpl assets/style.css assets/filter.js
var htmlAssets embed.FS

// htmlTemplates is parsed once and only read afterwards, so concurrent
// renders share it safely. The templates are constant: a parse error is a
// bug caught by any test that renders a page.
var htmlTemplates = template.Must(template.New("pages").Funcs(template.FuncMap{
	"shortFunc":   htmlShortFunc,
	"reasonTitle": Reason.Title,
	"reasonClass": htmlReasonClass,
	"plural":      words.PluralSuffix,
	"ticks":       htmlTicks,
	"catalogPage": func() string { return CatalogPage },
}).ParseFS(htmlAssets, "assets/pages.html.tmpl"))

// htmlStatic returns the embedded stylesheet and script. They are trusted
// constants of this package, never built from report data, which is what
// makes handing them to html/template as CSS and JS safe.
func htmlStatic() (template.CSS, template.JS) {
	css, err1 := htmlAssets.ReadFile("assets/style.css")
	js, err2 := htmlAssets.ReadFile("assets/filter.js")
	if err1 != nil || err2 != nil {
		return "", ""
	}
	return template.CSS(css), template.JS(js) // #nosec: embedded constants
}

// WriteHTML writes the report as one self-contained HTML page: a summary
// with a chart of leaks by blocking reason, then one card per group with
// the blocking source line, the diagnosis, the fix from the catalog and
// the full stack folded away, and at the end the catalog entries the
// groups refer to. The page needs no network and reads well with
// JavaScript off; the script only adds filtering. Every value taken from
// the report is escaped.
func (r *Report) WriteHTML(w io.Writer) error {
	title := r.Title
	if title == "" {
		title = "Goroutine leak report"
	}
	sub := r.Package
	page := newHTMLPage(title, sub, []*Report{r}, nil, "")
	return page.render(w, "report")
}

// htmlPage is everything a page template reads.
type htmlPage struct {
	Title, Subtitle   string
	Generated         string
	CSS               template.CSS
	Script            template.JS
	Nav               []htmlLink
	Summary           htmlSummary
	Chart             htmlChart
	Reasons           []Reason
	Sections          []htmlSection
	Groups            []*htmlGroup
	ShowSectionTitles bool
	Expandable        bool
	Catalog           []Pattern
	Packages          []htmlPackage
	Problems          []string
	Notes             []string
	// HiddenGroups and HiddenGoroutines count the groups an index leaves
	// out of its list (Index.MaxGroupRows).
	HiddenGroups, HiddenGoroutines int
	// Noun is what the page calls its goroutines: "leaked", or "blocked"
	// for a dump (Report.Dump).
	Noun string
	// Context says why the dump was printed (Report.ContextLines).
	Context []string
}

type htmlLink struct{ Text, Href string }

type htmlSummary struct {
	Goroutines, Groups, Packages, Leaked int
	ShowPackages                         bool
	Tests                                []string
	// Baselined is set when some report was compared with a baseline of
	// known leaks; New and Known then count goroutines of each kind.
	Baselined  bool
	New, Known int
}

type htmlSection struct {
	Title  string
	Total  int
	Groups []*htmlGroup
	// Cycles are the report's cycles, shown once before its groups.
	Cycles []htmlCycle
}

// htmlGroup is a Group as a page shows it, with what the template cannot
// compute itself.
type htmlGroup struct {
	*Group
	report      *Report
	Anchor      string
	Href        string // link to the group's card, on index pages
	Package     string
	Pattern     *Pattern
	PatternHref string
	BlockPos    string // file:line of Block, as a person reads it
	CreatedPos  string // file:line of CreatedBy, as a person reads it
	OriginPos   string // file:line of Origin, as a person reads it
	OriginWords string // how Origin is introduced
	Source      *htmlSource
	Edit        *htmlEdit // the suggested edit as a diff, on package pages
	// Fix is the group's own fix (Diagnosis.Fix) as a sentence, "" when
	// the pattern's general fix is all there is.
	Fix string
	// Facts shows Diagnosis.Facts: partners, held locks, the select, the
	// closer, the cycle; nil when there are none.
	Facts       *htmlFacts
	StackFrames []htmlFrame
	Ancestors   []htmlAncestor
	Labels      []htmlKV
	IDList      string
	TestsAttr   string
	FilterText  string
	// Spark draws Trend; nil when the group has none.
	Spark *htmlSpark
	// Status is "known" for a leak in the baseline, "new" for one that is
	// not, "" when the report was not compared with a baseline.
	Status string
	// Dependency is what to do about goroutines that block and start in a
	// dependency; nil for others.
	Dependency *htmlDependency
}

type htmlFrame struct {
	Func, File string
	Line       int
	Pos        string // File:Line, shortened for reading
	Blk        bool
}

type htmlKV struct{ Key, Value string }

// htmlAncestor is the creation stack of an ancestor goroutine, recorded
// with GODEBUG=tracebackancestors=N.
type htmlAncestor struct {
	ID     int64
	Frames []htmlFrame
}

type htmlSource struct {
	ID string // the excerpt's id on the page, "" when nothing links to it
	// Fact marks the excerpt of a statement a fact names, set apart from
	// the blocking line's.
	Fact  bool
	File  string
	Shown string // File as a person reads it
	Lines []htmlSourceLine
	Why   string // why the source is unavailable, when Lines is empty
}

type htmlSourceLine struct {
	N    int
	Text string
	Hit  bool
}

// htmlPackage is one row of the index's package table.
type htmlPackage struct {
	Package                   string
	HTML, JSON, Pprof         string
	Goroutines, Groups        int
	Tests                     []string
	GeneratedAt               time.Time
	ReportsWithoutGroupsCount int
}

// newHTMLPage builds the page for the reports of one check or package.
// catalogPage is where pattern links point ("" puts the patterns on the
// page itself).
func newHTMLPage(title, subtitle string, reports []*Report, patterns patternSource, catalogPage string) *htmlPage {
	css, js := htmlStatic()
	p := &htmlPage{Title: title, Subtitle: subtitle, CSS: css, Script: js, Generated: time.Now().UTC().Format("2006-01-02 15:04 UTC"), Noun: "leaked"}
	if len(reports) == 1 && reports[0] != nil {
		p.Noun, p.Context = reports[0].noun(), reports[0].ContextLines()
		p.Notes = reports[0].Notes
	}
	used := map[string]bool{}
	var all []*Group
	for i, r := range reports {
		if r == nil {
			continue
		}
		sec := htmlSection{Title: r.Title, Total: r.Total, Cycles: newHTMLCycles(r, i)}
		for j, g := range r.Groups {
			if g == nil {
				continue
			}
			hg := newHTMLGroup(r, g, fmt.Sprintf("r%d-g%d", i, j), patterns, catalogPage, true)
			hg.Facts = newHTMLFacts(r, i, hg, true)
			hg.FilterText = htmlFilterText(hg) // and now what the facts name
			if hg.Pattern != nil {
				used[hg.Pattern.ID] = true
			}
			sec.Groups = append(sec.Groups, hg)
			p.Groups = append(p.Groups, hg)
			all = append(all, g)
		}
		if len(sec.Groups) > 0 {
			p.Sections = append(p.Sections, sec)
		}
	}
	p.ShowSectionTitles = len(p.Sections) > 1
	p.Expandable = len(p.Groups) > 1
	p.Summary = htmlSummarize(all)
	for _, hg := range p.Groups {
		p.Summary.countStatus(hg.report, hg.Group)
	}
	p.Chart, p.Reasons = htmlChartOf(all)
	if catalogPage == "" {
		for id := range used {
			if pat, ok := patterns.lookup(id); ok {
				p.Catalog = append(p.Catalog, pat)
			}
		}
		sort.Slice(p.Catalog, func(i, j int) bool { return p.Catalog[i].ID < p.Catalog[j].ID })
	}
	return p
}

func (p *htmlPage) render(w io.Writer, name string) error {
	if err := htmlTemplates.ExecuteTemplate(w, name, p); err != nil {
		return fmt.Errorf("rendering the HTML report: %w", err)
	}
	return nil
}

// newHTMLGroup prepares one group. withSource reads the source around the
// blocking line; index rows do not show it.
func newHTMLGroup(r *Report, g *Group, anchor string, patterns patternSource, catalogPage string, withSource bool) *htmlGroup {
	hg := &htmlGroup{Group: g, report: r, Anchor: anchor, Package: r.Package, TestsAttr: strings.Join(g.Tests, "\n"), Dependency: r.htmlDependencyFix(g)}
	hg.Status = groupStatus(r, g)
	if g.Diagnosis.Fix != "" {
		hg.Fix = g.Diagnosis.FixText()
	}
	hg.BlockPos = htmlPos(r, g.Block)
	if g.CreatedBy != nil {
		hg.CreatedPos = htmlPos(r, *g.CreatedBy)
	}
	if g.Origin != nil {
		hg.OriginPos, hg.OriginWords = htmlPos(r, *g.Origin), originWords(g.OriginFrom)
	}
	if id := g.Diagnosis.PatternID; id != "" {
		hg.PatternHref = catalogPage + "#" + id
		if pat, ok := patterns.lookup(id); ok {
			hg.Pattern = &pat
		}
	}
	hg.Spark = htmlSparkOf(g.Trend)
	if withSource && !r.NoSource {
		hg.Source = htmlReadSource(r.sources, g.Block.File, g.Block.Line, 3)
		hg.Source.ID = anchor + "-src"
		hg.Source.Shown = r.RelPath(g.Block.File)
		hg.Edit = newHTMLEdit(r, g.Diagnosis.Suggestion)
		if hg.Edit != nil {
			hg.Edit.Check, hg.Edit.Verified = r.editCheckLine(g), g.EditCheck.Verified()
		}
	}
	if g.Stack != nil {
		blk := -1
		for i, f := range g.Stack.Frames {
			if f == g.Block {
				blk = i
				break
			}
		}
		for i, f := range g.Stack.Frames {
			hg.StackFrames = append(hg.StackFrames, htmlFrame{Func: shownName(f.Func), File: shownName(f.File), Line: f.Line, Pos: htmlPos(r, f), Blk: i == blk})
		}
		for _, a := range g.Stack.Ancestors {
			ha := htmlAncestor{ID: a.ID}
			for _, f := range a.Frames {
				ha.Frames = append(ha.Frames, htmlFrame{Func: shownName(f.Func), File: shownName(f.File), Line: f.Line, Pos: htmlPos(r, f)})
			}
			hg.Ancestors = append(hg.Ancestors, ha)
		}
		keys := make([]string, 0, len(g.Stack.Labels))
		for k := range g.Stack.Labels {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			hg.Labels = append(hg.Labels, htmlKV{k, g.Stack.Labels[k]})
		}
	}
	if len(g.IDs) > 0 {
		ids := make([]string, 0, min(len(g.IDs), 50))
		for i, id := range g.IDs {
			if i == 50 {
				ids = append(ids, fmt.Sprintf("… %d more", len(g.IDs)-50))
				break
			}
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		hg.IDList = strings.Join(ids, ", ")
	}
	hg.FilterText = htmlFilterText(hg)
	return hg
}

// htmlPos is a frame's position as a person reads it: relative to the
// module root or the standard library, "" when the file is not known.
func htmlPos(r *Report, f profile.Frame) string {
	if f.File == "" {
		return ""
	}
	return r.RelPath(f.File) + ":" + strconv.Itoa(f.Line)
}

// htmlFilterText is what the filter box searches: everything a reader
// might type to find a group, lower-cased once here so the script does not
// have to.
func htmlFilterText(hg *htmlGroup) string {
	g := hg.Group
	parts := []string{string(g.Reason), g.Reason.Title(), g.State, hg.Package, g.Block.Func, g.Block.File,
		g.Diagnosis.PatternID, g.Diagnosis.Summary, hg.Status}
	parts = append(parts, g.Tests...)
	if g.CreatedBy != nil {
		parts = append(parts, g.CreatedBy.Func, g.CreatedBy.File)
	}
	if hg.Pattern != nil {
		parts = append(parts, hg.Pattern.Title)
	}
	for _, f := range hg.StackFrames {
		parts = append(parts, f.Func)
	}
	for _, kv := range hg.Labels {
		parts = append(parts, kv.Key+"="+kv.Value)
	}
	if f := hg.Facts; f != nil {
		// The code that would release the group: a reader looks for
		// "Shutdown" or the function that should have closed the channel.
		for _, p := range f.Partners {
			parts = append(parts, p.Func)
		}
		if f.Closer != nil {
			parts = append(parts, f.Closer.Name)
		}
		if f.CycleKind != "" {
			parts = append(parts, "cycle", f.CycleKind)
		}
	}
	return strings.ToLower(strings.Join(parts, "\n"))
}

func htmlSummarize(groups []*Group) htmlSummary {
	var s htmlSummary
	tests := map[string]bool{}
	for _, g := range groups {
		s.Goroutines += g.Count
		s.Groups++
		s.Leaked += g.Leaked
		for _, t := range g.Tests {
			tests[t] = true
		}
	}
	for t := range tests {
		s.Tests = append(s.Tests, t)
	}
	sort.Strings(s.Tests)
	return s
}

// groupStatus is "known" for a leak in the baseline, "new" for one of a
// report compared with a baseline that is not in it, "" otherwise.
func groupStatus(r *Report, g *Group) string {
	switch {
	case g.Known:
		return "known"
	case r.Baseline != "":
		return "new"
	}
	return ""
}

// countStatus adds the goroutines of g to the new or known count, when
// its report was compared with a baseline.
func (s *htmlSummary) countStatus(r *Report, g *Group) {
	switch groupStatus(r, g) {
	case "known":
		s.Known += g.Count
	case "new":
		s.New += g.Count
	}
	s.Baselined = s.New+s.Known > 0
}

// htmlChart is a horizontal bar chart drawn as inline SVG.
type htmlChart struct {
	Width, Height int
	Bars          []htmlBar
}

type htmlBar struct {
	Reason             Reason
	Label, Class       string
	Count              int
	X, Y, W, H, TrackW int
	TextY, NX          int
}

// Chart geometry in SVG user units; the SVG scales to its box.
const (
	chartWidth  = 520
	chartLabelW = 150
	chartCountW = 44
	chartRowH   = 26
	chartBarH   = 16
)

// htmlChartOf counts goroutines by reason, largest first, and lays the
// bars out. It also returns the reasons present, for the filter menu.
func htmlChartOf(groups []*Group) (htmlChart, []Reason) {
	counts := map[Reason]int{}
	for _, g := range groups {
		counts[g.Reason] += g.Count
	}
	reasons := make([]Reason, 0, len(counts))
	for r := range counts {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool {
		if counts[reasons[i]] != counts[reasons[j]] {
			return counts[reasons[i]] > counts[reasons[j]]
		}
		return reasons[i] < reasons[j]
	})
	maxN := 0
	for _, r := range reasons {
		maxN = max(maxN, counts[r])
	}
	c := htmlChart{Width: chartWidth, Height: len(reasons)*chartRowH + 4}
	track := chartWidth - chartLabelW - chartCountW
	for i, r := range reasons {
		n := counts[r]
		w := 0
		if maxN > 0 {
			w = max(n*track/maxN, 3)
		}
		y := i*chartRowH + 2
		c.Bars = append(c.Bars, htmlBar{
			Reason: r, Label: r.Title(), Class: htmlReasonClass(r), Count: n,
			X: chartLabelW, Y: y + (chartRowH-chartBarH)/2 - 1, W: w, H: chartBarH, TrackW: track,
			TextY: y + chartRowH/2 + 3, NX: chartLabelW + track + 8,
		})
	}
	sorted := append([]Reason(nil), reasons...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	return c, sorted
}

// htmlReasonClass picks the colour family of a reason: related waits share
// a colour so the chart reads at a glance.
func htmlReasonClass(r Reason) string {
	switch r {
	case ReasonChanReceive, ReasonChanSend:
		return "r-chan"
	case ReasonChanReceiveNil, ReasonChanSendNil, ReasonSelectNoCases:
		return "r-nil"
	case ReasonSelect:
		return "r-select"
	case ReasonMutex, ReasonRWMutexLock, ReasonRWMutexRLock:
		return "r-lock"
	case ReasonWaitGroup, ReasonCond, ReasonSemaphore:
		return "r-sync"
	case ReasonIOWait, ReasonSyscall:
		return "r-io"
	case ReasonSleep:
		return "r-sleep"
	case ReasonRunning:
		return "r-run"
	}
	return "r-other"
}

// htmlTicks renders text whose `backquoted` spans are code, as diagnoses
// quote source that way. Every piece is escaped before the code tags are
// put around it, so the result is safe whatever the text holds.
func htmlTicks(s string) template.HTML {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 {
		// An unpaired backquote: show the text as it is.
		return template.HTML(html.EscapeString(s))
	}
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			b.WriteString("<code>" + html.EscapeString(p) + "</code>")
		} else {
			b.WriteString(html.EscapeString(p))
		}
	}
	return template.HTML(b.String())
}

// htmlShortFunc drops the import path from a function name, keeping the
// package name: "github.com/a/b.(*T).run.func1" becomes "b.(*T).run.func1"
// (see FuncShort).
func htmlShortFunc(name string) string {
	if name == "" {
		return "unknown function"
	}
	return FuncShort(name)
}

// htmlReadSource reads the lines around line of file with read (see
// internal/srcfile: nil reads nothing). It never fails: a missing, changed
// or forbidden file is reported in Why for the page to show.
func htmlReadSource(read *srcfile.Reader, file string, line, around int) *htmlSource {
	s := &htmlSource{File: file}
	if file == "" || line <= 0 {
		s.Why = "the blocking position is not known."
		return s
	}
	src, err := read.Read(file)
	switch {
	case read == nil:
		s.Why = "the source is not read for this report."
		return s
	case errors.Is(err, srcfile.ErrNotAllowed):
		s.Why = file + " is not a Go source file this report reads."
		return s
	case err != nil:
		s.Why = file + " is not on this machine."
		return s
	}
	first, last := max(line-around, 1), line+around
	n := 0
	for text := range strings.Lines(string(src)) {
		n++
		if n < first {
			continue
		}
		if n > last {
			break
		}
		text = strings.TrimRight(text, "\r\n")
		s.Lines = append(s.Lines, htmlSourceLine{N: n, Text: strings.ReplaceAll(text, "\t", "    "), Hit: n == line})
	}
	if n < line {
		s.Lines = nil
		s.Why = fmt.Sprintf("%s has %s, fewer than line %d: it changed since the goroutines were captured.", file, words.Plural(n, "line"), line)
	}
	return s
}

// knownCatalog is this build's whole catalog, for the catalog page.
func knownCatalog() []Pattern { return Catalog() }
