package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// The pages of a report directory link to each other by these names: a
// package page and the index link to the catalog, every page links back
// to the index.
const (
	// IndexPage is the entry page of a report directory.
	IndexPage = "index.html"
	// CatalogPage lists the leak patterns, each under its ID as anchor.
	CatalogPage = "catalog.html"
)

// PackageFiles names one package's files in a report directory, for the
// pages to link to. The store that writes the directory chooses the names.
type PackageFiles struct {
	HTML, JSON, Pprof string
}

// WritePackagePage writes the page of one package of a report directory:
// every report of doc, each as a titled section, with links to the index,
// the catalog page and the package's other files. Its group cards have the
// anchors r<i>-g<j> (report i, group j of doc) that the index links to.
func WritePackagePage(w io.Writer, doc *Document, files PackageFiles) error {
	title := "Goroutine leaks in " + doc.Package
	sub := fmt.Sprintf("%d check%s reported leaks", len(doc.Reports), htmlPlural(len(doc.Reports)))
	page := newHTMLPage(title, sub, doc.Reports, patternSource(doc.Patterns), CatalogPage)
	// A package page gathers checks; name each, even when there is one.
	page.ShowSectionTitles = true
	page.Nav = []htmlLink{
		{"All packages", IndexPage},
		{"Pattern catalog", CatalogPage},
		{"JSON", files.JSON},
		{"pprof", files.Pprof},
	}
	return page.render(w, "report")
}

// Index is what the entry page of a report directory shows.
type Index struct {
	// Packages are the directory's packages, in the order to list them.
	Packages []IndexEntry
	// Problems describe files that could not be read; the page lists them
	// so a damaged file is seen rather than silently missing.
	Problems []string
	// Notes say how the directory was assembled, for example which shards
	// a merge read and which reruns it resolved.
	Notes []string
}

// IndexEntry is one package of an Index.
type IndexEntry struct {
	Doc   *Document
	Files PackageFiles
}

// WriteHTML writes the index page: the totals of every package, a table
// of packages and one row per group linking to its card on the package's
// page.
func (ix *Index) WriteHTML(w io.Writer) error {
	css, js := htmlStatic()
	p := &htmlPage{
		Title:     "Goroutine leak report",
		CSS:       css,
		Script:    js,
		Generated: time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		Nav:       []htmlLink{{"All packages", IndexPage}, {"Pattern catalog", CatalogPage}},
		Problems:  ix.Problems,
		Notes:     ix.Notes,
	}
	var all []*Group
	for _, e := range ix.Packages {
		d := e.Doc
		row := htmlPackage{Package: d.Package, HTML: e.Files.HTML, JSON: e.Files.JSON, Pprof: e.Files.Pprof, GeneratedAt: d.GeneratedAt}
		var groups []*Group
		for i, r := range d.Reports {
			for j, g := range r.Groups {
				hg := newHTMLGroup(r, g, "", patternSource(d.Patterns), CatalogPage, false)
				hg.Package = d.Package
				hg.Href = fmt.Sprintf("%s#r%d-g%d", row.HTML, i, j)
				p.Groups = append(p.Groups, hg)
				groups = append(groups, g)
			}
		}
		s := htmlSummarize(groups)
		row.Goroutines, row.Groups, row.Tests = s.Goroutines, s.Groups, s.Tests
		p.Packages = append(p.Packages, row)
		all = append(all, groups...)
	}
	p.Summary = htmlSummarize(all)
	p.Summary.countStatus(p.Groups)
	p.Summary.Packages = len(ix.Packages)
	p.Summary.ShowPackages = true
	p.Chart, p.Reasons = htmlChartOf(all)
	p.Subtitle = fmt.Sprintf("%d package%s reported", len(ix.Packages), htmlPlural(len(ix.Packages)))
	if len(ix.Packages) > 0 {
		latest := ix.Packages[0].Doc.GeneratedAt
		for _, e := range ix.Packages[1:] {
			if e.Doc.GeneratedAt.After(latest) {
				latest = e.Doc.GeneratedAt
			}
		}
		p.Subtitle += " · last written " + latest.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	return p.render(w, "index")
}

// WriteCatalogPage writes the catalog page: this build's catalog, plus any
// pattern a document carries that this build does not know (written by
// another version).
func WriteCatalogPage(w io.Writer, docs []*Document) error {
	css, js := htmlStatic()
	p := &htmlPage{
		Title:     "Leak pattern catalog",
		Subtitle:  "Known ways goroutines leak, and how to fix each",
		CSS:       css,
		Script:    js,
		Generated: time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		Nav:       []htmlLink{{"All packages", IndexPage}, {"Pattern catalog", CatalogPage}},
	}
	seen := map[string]bool{}
	for _, pat := range knownCatalog() {
		seen[pat.ID] = true
		p.Catalog = append(p.Catalog, pat)
	}
	var extra []Pattern
	for _, d := range docs {
		for id, pat := range d.Patterns {
			if !seen[id] {
				seen[id] = true
				extra = append(extra, pat)
			}
		}
	}
	sort.Slice(extra, func(i, j int) bool { return strings.Compare(extra[i].ID, extra[j].ID) < 0 })
	p.Catalog = append(p.Catalog, extra...)
	return p.render(w, "catalog")
}
