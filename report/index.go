package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// RebuildIndex rebuilds index.html and catalog.html of a report directory
// from the pkg-*.json files in it. WriteDir does this after every write;
// call it after adding, editing or removing package files by other means.
// It takes the directory's lock like WriteDir, so it is safe to run while
// tests write reports.
func RebuildIndex(dir string) error {
	unlock, err := lockDir(dir)
	if err != nil {
		return err
	}
	return errors.Join(rebuildIndexLocked(dir), unlock())
}

// ReadDir reads every package's JSON file in a report directory, sorted by
// package path. Files it cannot read are skipped and described in the
// returned error, so one damaged file does not hide the others.
func ReadDir(dir string) ([]*Document, error) {
	docs, problems := readPackageDocs(dir)
	var errs []error
	for _, p := range problems {
		errs = append(errs, errors.New(p))
	}
	return docs, errors.Join(errs...)
}

// readPackageDocs reads the pkg-*.json files; problems describe the files
// it skipped, for the index to show.
func readPackageDocs(dir string) (docs []*Document, problems []string) {
	names, err := filepath.Glob(filepath.Join(dir, packagePrefix+"*.json"))
	if err != nil {
		return nil, []string{fmt.Sprintf("listing %s: %v", dir, err)}
	}
	sort.Strings(names)
	for _, name := range names {
		doc, err := readDocFile(name)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", filepath.Base(name), err))
			continue
		}
		docs = append(docs, doc)
	}
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Package < docs[j].Package })
	return docs, problems
}

func readDocFile(name string) (*Document, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadJSON(f)
}

// rebuildIndexLocked does RebuildIndex's work; the caller holds the lock.
func rebuildIndexLocked(dir string) error {
	removeStaleTemps(dir)
	docs, problems := readPackageDocs(dir)
	index := newIndexPage(docs, problems)
	err := writeFileAtomic(dir, indexFileName, func(w io.Writer) error { return index.render(w, "index") })
	cat := newCatalogPage(docs)
	return errors.Join(err, writeFileAtomic(dir, catalogFileName, func(w io.Writer) error { return cat.render(w, "catalog") }))
}

// removeStaleTemps deletes temporary files left by a writer that died in
// the middle of a write. Every writer holds the lock while its temporary
// files exist, so with the lock held any that remain are abandoned.
func removeStaleTemps(dir string) {
	names, _ := filepath.Glob(filepath.Join(dir, tempPattern))
	for _, n := range names {
		os.Remove(n)
	}
}

// newIndexPage builds the entry page of a report directory: the totals of
// every package, a table of packages and one row per group linking to its
// card on the package's page.
func newIndexPage(docs []*Document, problems []string) *htmlPage {
	css, js := htmlStatic()
	p := &htmlPage{
		Title:     "Goroutine leak report",
		CSS:       css,
		Script:    js,
		Generated: time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		Nav:       []htmlLink{{"All packages", indexFileName}, {"Pattern catalog", catalogFileName}},
		Problems:  problems,
	}
	var all []*Group
	for _, d := range docs {
		base := packageFileBase(d.Package)
		row := htmlPackage{Package: d.Package, HTML: base + ".html", JSON: base + ".json", Pprof: base + ".pb.gz", GeneratedAt: d.GeneratedAt}
		var groups []*Group
		for i, r := range d.Reports {
			for j, g := range r.Groups {
				hg := newHTMLGroup(r, g, "", patternSource(d.Patterns), catalogFileName, false)
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
	p.Summary.Packages = len(docs)
	p.Summary.ShowPackages = true
	p.Chart, p.Reasons = htmlChartOf(all)
	p.Subtitle = fmt.Sprintf("%d package%s reported", len(docs), htmlPlural(len(docs)))
	if n := len(docs); n > 0 {
		latest := docs[0].GeneratedAt
		for _, d := range docs[1:] {
			if d.GeneratedAt.After(latest) {
				latest = d.GeneratedAt
			}
		}
		p.Subtitle += " · last written " + latest.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	return p
}

// newCatalogPage lists this build's catalog, plus any pattern a package
// file carries that this build does not know (written by another version).
func newCatalogPage(docs []*Document) *htmlPage {
	css, js := htmlStatic()
	p := &htmlPage{
		Title:     "Leak pattern catalog",
		Subtitle:  "Known ways goroutines leak, and how to fix each",
		CSS:       css,
		Script:    js,
		Generated: time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		Nav:       []htmlLink{{"All packages", indexFileName}, {"Pattern catalog", catalogFileName}},
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
	return p
}
