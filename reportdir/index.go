package reportdir

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/leakhound/leakhound/internal/srcfile"
	"github.com/leakhound/leakhound/report"
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
func ReadDir(dir string) ([]*report.Document, error) {
	docs, problems := readPackageDocs(dir)
	var errs []error
	for _, p := range problems {
		errs = append(errs, errors.New(p))
	}
	return docs, errors.Join(errs...)
}

// readPackageDocs reads the pkg-*.json files; problems describe the files
// it skipped, for the index to show.
func readPackageDocs(dir string) (docs []*report.Document, problems []string) {
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

// readDocFile reads a package's JSON file: a regular file only (a link or
// a FIFO planted among a shard's files is an error, never followed or
// waited on), bounded by report.ReadJSON.
func readDocFile(name string) (*report.Document, error) {
	f, err := srcfile.OpenRegular(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > report.MaxJSONBytes {
		return nil, fmt.Errorf("%d MiB, more than a report can be (%d MiB): %w", st.Size()>>20, report.MaxJSONBytes>>20, report.ErrTooLarge)
	}
	return report.ReadJSON(f)
}

// rebuildIndexLocked does RebuildIndex's work; the caller holds the lock.
func rebuildIndexLocked(dir string) error {
	removeStaleTemps(dir)
	docs, problems := readPackageDocs(dir)
	return errors.Join(writeIndex(dir, &report.Index{Problems: problems}, docs, packageFiles), writeCatalog(dir, docs))
}

// writeIndex writes the index page ix with the packages docs, whose files
// files names.
func writeIndex(dir string, ix *report.Index, docs []*report.Document, files func(pkg string) report.PackageFiles) error {
	for _, d := range docs {
		ix.Packages = append(ix.Packages, report.IndexEntry{Doc: d, Files: files(d.Package)})
	}
	return writeFileAtomic(dir, indexFileName, ix.WriteHTML)
}

// writeCatalog writes the catalog page, with the patterns docs carry.
func writeCatalog(dir string, docs []*report.Document) error {
	return writeFileAtomic(dir, catalogFileName, func(w io.Writer) error { return report.WriteCatalogPage(w, docs) })
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
