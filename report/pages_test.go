package report

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testPageFiles names a package's files in the directories tests write;
// the store chooses its own names, the pages only link to them.
func testPageFiles(pkg string) PackageFiles {
	base := fmt.Sprintf("pkg-%x", pkg)
	return PackageFiles{HTML: base + ".html", JSON: base + ".json", Pprof: base + ".pb.gz"}
}

// writePagesDir writes the pages of a report directory holding docs: the
// index, the catalog and each package's page, as the store does, for
// tests that open them.
func writePagesDir(t testing.TB, dir string, docs ...*Document) {
	t.Helper()
	write := func(name string, render func(f *os.File) error) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := render(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	ix := &Index{}
	for _, d := range docs {
		files := testPageFiles(d.Package)
		write(files.HTML, func(f *os.File) error { return WritePackagePage(f, d, files) })
		ix.Packages = append(ix.Packages, IndexEntry{Doc: d, Files: files})
	}
	write(IndexPage, func(f *os.File) error { return ix.WriteHTML(f) })
	write(CatalogPage, func(f *os.File) error { return WriteCatalogPage(f, docs) })
}

// packageDoc is the document of one package's reports.
func packageDoc(pkg string, reports ...*Report) *Document {
	return &Document{Package: pkg, GeneratedAt: time.Now(), Reports: reports}
}
