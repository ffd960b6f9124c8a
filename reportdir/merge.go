package reportdir

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/srcfile"
	"github.com/leakhound/leakhound/internal/words"

	"github.com/leakhound/leakhound/report"
)

// Names of the files only a merged directory has: every package's reports
// in one JSON document and one pprof profile.
const (
	MergedJSON  = "leakhound.json"
	MergedPprof = "leakhound.pb.gz"
)

// Merged is what Collect read from many shards: one document per package,
// reruns resolved, and what the reader should know about how.
type Merged struct {
	// Docs holds one document per package, sorted by package path. A
	// package split over shards of one run (Bazel's shard_count) has its
	// shards' reports together in one document.
	Docs []*report.Document
	// Shards is how many shards were read whole.
	Shards int
	// Skipped describes each shard that was torn or partial and left out.
	Skipped []string
	// Notes say what Collect decided: reruns resolved, which copy kept.
	Notes []string

	// pages are where the shards keep Docs' pages, by index into Docs;
	// the zero pageSource when the page must be rendered (no page, or a
	// document Collect or MarkKnown changed).
	pages []pageSource

	// wrap, when set, wraps the writer of each file Write writes: tests
	// inject a failing writer (a full disk) through it.
	wrap func(name string, w io.Writer) io.Writer
}

// Collect reads the report directories under the inputs (directories
// searched recursively for report directories and zip files, or zip files
// named directly; see the README's "In CI" section) and resolves them into
// one document per package.
//
// Each package file is kept once per package and shard (Document.Shard):
// when two report the same package and shard, it is a rerun or a copy, and
// the one written last wins (on equal times, the one whose shard comes
// last in path order); Notes says which. Files of different shards of one
// package are combined, an identical report given twice counted once. A
// shard that is torn (a file that does not parse, a writer's unfinished
// file, a zip cut short) is left out whole and listed in Skipped, so a
// half-written shard never counts half a package. out names the output
// of the merge, "" when there is none: an output that is an input, lies
// inside one or holds one is refused, since writing it would replace the
// reports read.
//
// Shards may come from anyone (the artifacts of untrusted CI jobs): only
// regular files are read, links inside the inputs are not followed, every
// JSON file and zip entry is bounded in size (report.MaxJSONBytes) and zip
// entries in how much they inflate, and report.ReadJSON checks every count.
func Collect(inputs []string, out string) (*Merged, error) {
	if err := checkOutput(inputs, out); err != nil {
		return nil, err
	}
	shards, err := findShards(inputs)
	if err != nil {
		return nil, err
	}
	type result struct {
		docs []shardDoc
		err  error
	}
	results := make([]result, len(shards))
	parallel(len(shards), func(i int) {
		docs, err := shards[i].read()
		results[i] = result{docs, err}
	})

	m := &Merged{}
	type key struct{ pkg, shard string }
	type kept struct {
		shardDoc
		from string
		also []string
	}
	best := map[key]*kept{}
	for i, s := range shards {
		res := results[i]
		if res.err != nil {
			m.Skipped = append(m.Skipped, fmt.Sprintf("%s: skipped, %v", s.Name, res.err))
			continue
		}
		if len(res.docs) == 0 {
			continue
		}
		m.Shards++
		for _, sd := range res.docs {
			d := sd.doc
			k := key{d.Package, d.Shard}
			cur := best[k]
			switch {
			case cur == nil:
				best[k] = &kept{shardDoc: sd, from: s.Name}
			case !d.GeneratedAt.Before(cur.doc.GeneratedAt):
				best[k] = &kept{shardDoc: sd, from: s.Name, also: append(cur.also, cur.from)}
			default:
				cur.also = append(cur.also, s.Name)
			}
		}
	}

	byPkg := map[string][]*kept{}
	for k, v := range best {
		byPkg[k.pkg] = append(byPkg[k.pkg], v)
	}
	pkgs := make([]string, 0, len(byPkg))
	for p := range byPkg {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		parts := byPkg[p]
		sort.Slice(parts, func(i, j int) bool { return shardLess(parts[i].doc.Shard, parts[j].doc.Shard) })
		docs := make([]*report.Document, len(parts))
		for i, part := range parts {
			docs[i] = part.doc
			if len(part.also) > 0 {
				what := p
				if part.doc.Shard != "" {
					what += " (shard " + part.doc.Shard + ")"
				}
				m.Notes = append(m.Notes, fmt.Sprintf("%s was reported %d times (%s); kept the latest, written %s, from %s",
					what, len(part.also)+1, strings.Join(append(part.also, part.from), ", "),
					part.doc.GeneratedAt.UTC().Format(time.RFC3339), part.from))
			}
		}
		m.Docs = append(m.Docs, combineShards(docs))
		var page pageSource
		if len(parts) == 1 {
			page = parts[0].page
		}
		m.pages = append(m.pages, page)
	}
	if _, err := m.goroutines(); err != nil {
		return nil, err
	}
	return m, nil
}

// maxGoroutines bounds the goroutines a merge counts: far more than any
// run leaks, far below where a sum could wrap.
const maxGoroutines = 1 << 53

// goroutines is how many goroutines the merged reports hold; an error
// when they add up past maxGoroutines (shards made up to wrap the sums).
func (m *Merged) goroutines() (int, error) {
	n := 0
	for _, d := range m.Docs {
		for _, r := range d.Reports {
			// report.ReadJSON keeps each Total below 2^54 (at most 2^32
			// per group, as many groups as 64 MiB holds), so the sum
			// cannot wrap before the check stops it.
			n += r.Total
			if n > maxGoroutines {
				return 0, fmt.Errorf("the shards report more than %d goroutines, which no run leaks: not merging them", int64(maxGoroutines))
			}
		}
	}
	return n, nil
}

// Goroutines is how many goroutines the merged reports hold.
func (m *Merged) Goroutines() int {
	n, _ := m.goroutines()
	return n
}

// shardLess orders shards "i/n" by number, so shard 10 comes after 9.
func shardLess(a, b string) bool {
	var ai, an, bi, bn int
	_, erra := fmt.Sscanf(a, "%d/%d", &ai, &an)
	_, errb := fmt.Sscanf(b, "%d/%d", &bi, &bn)
	if erra != nil || errb != nil || an != bn {
		return a < b
	}
	return ai < bi
}

// combineShards makes one document of a package's documents from
// different shards of a run: their reports in shard order, a report equal
// to one before it left out.
func combineShards(docs []*report.Document) *report.Document {
	if len(docs) == 1 {
		return docs[0]
	}
	out := &report.Document{SchemaVersion: docs[0].SchemaVersion, Package: docs[0].Package}
	seen := map[string]bool{}
	for _, d := range docs {
		if d.GeneratedAt.After(out.GeneratedAt) {
			out.GeneratedAt = d.GeneratedAt
		}
		for _, r := range d.Reports {
			c := reportContent(r)
			if seen[c] {
				continue
			}
			seen[c] = true
			out.Reports = append(out.Reports, r)
		}
		for id, p := range d.Patterns {
			if out.Patterns == nil {
				out.Patterns = map[string]report.Pattern{}
			}
			out.Patterns[id] = p
		}
	}
	return out
}

// MarkKnown compares every report with the baseline of known leaks,
// marking each group new or known (see Baseline.Mark), and counts the
// goroutines of each kind. The pages of packages whose marks changed are
// rendered again by Write; when the tests ran with the same baseline, the
// shards' marks already agree and their pages are kept.
func (m *Merged) MarkKnown(b *Baseline) (newGoroutines, known int) {
	for i, d := range m.Docs {
		changed := false
		for _, r := range d.Reports {
			before := r.Baseline
			marks := make([]bool, len(r.Groups))
			for j, g := range r.Groups {
				marks[j] = g.Known
			}
			n := b.Mark(r)
			newGoroutines += n
			known += r.Total - n
			changed = changed || r.Baseline != before
			for j, g := range r.Groups {
				changed = changed || g.Known != marks[j]
			}
		}
		if changed {
			m.pages[i] = pageSource{}
		}
	}
	return newGoroutines, known
}

// Write writes the merged directory into out, which is created if needed:
// index.html over every package, with the notes and the skipped shards;
// catalog.html; every package's reports in one JSON document (MergedJSON:
// Package empty, each report naming its package) and one pprof profile
// (MergedPprof); and each package's page, linked or copied from its shard
// when the merge kept the package as the shard had it. A merged directory
// can be merged again, alone or with more shards.
//
// The merge is written whole into a new directory next to out, then
// swapped in: out is the merge's, not a mix of runs, and a write that
// fails (a full disk) leaves the previous merge in out as it was. An
// existing out must be a report directory (only the files one holds), so
// a mistyped -o never replaces a directory of other files. If the process
// dies between the two renames of the swap, out is missing and the
// previous merge is in .NAME.leakhound-previous next to it; the next Write
// puts it back before it starts.
func (m *Merged) Write(out string) error {
	out = filepath.Clean(out)
	parent, base := filepath.Dir(out), filepath.Base(out)
	previous := filepath.Join(parent, "."+base+".leakhound-previous")
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("creating the merged report directory: %w", err)
	}
	if _, err := os.Lstat(out); errors.Is(err, fs.ErrNotExist) {
		// A swap that did not finish: the previous merge comes back, if
		// there is one, and is replaced below like any previous merge.
		_ = os.Rename(previous, out)
	}
	exists, err := replaceable(out)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".leakhound-new-*")
	if err != nil {
		return fmt.Errorf("creating the merged report directory: %w", err)
	}
	if err := m.writeInto(tmp); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	// MkdirTemp makes the directory private; a report is for anyone who
	// can read its parent.
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return fmt.Errorf("writing the merged report directory: %w", err)
	}
	if exists {
		if err := os.Rename(out, previous); err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("replacing the merged report directory %s: %w", out, err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if exists {
			os.Rename(previous, out)
		}
		os.RemoveAll(tmp)
		return fmt.Errorf("replacing the merged report directory %s: %w", out, err)
	}
	if exists {
		if err := os.RemoveAll(previous); err != nil {
			return fmt.Errorf("removing the previous merge %s: %w", previous, err)
		}
	}
	return nil
}

// replaceable reports whether out exists, and refuses it when it is not a
// report directory: a file, or a directory holding anything but the files
// a report directory holds.
func replaceable(out string) (exists bool, err error) {
	st, err := os.Lstat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("writing the merged report directory: %w", err)
	case !st.IsDir():
		return false, fmt.Errorf("writing the merged report directory: %s exists and is not a directory", out)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return false, fmt.Errorf("writing the merged report directory: %w", err)
	}
	for _, e := range entries {
		if !isReportFile(e.Name()) || e.IsDir() {
			return false, fmt.Errorf("writing the merged report directory: %s holds %s, which a report directory does not; not replacing it (name a new or report directory with -o)", out, e.Name())
		}
	}
	return true, nil
}

// isReportFile tells the names a report directory (merged or not) holds.
func isReportFile(name string) bool {
	switch name {
	case indexFileName, catalogFileName, MergedJSON, MergedPprof, lockFileName:
		return true
	}
	return strings.HasPrefix(name, packagePrefix) || isTempName(name)
}

// writeFile writes name in dir atomically, through m.wrap when set.
func (m *Merged) writeFile(dir, name string, write func(io.Writer) error) error {
	if m.wrap == nil {
		return writeFileAtomic(dir, name, write)
	}
	return writeFileAtomic(dir, name, func(w io.Writer) error { return write(m.wrap(name, w)) })
}

// writeInto writes the merge into the new, empty directory out.
func (m *Merged) writeInto(out string) error {
	// Every package in one document: each report names its package, as
	// the document names none.
	all := &report.Document{GeneratedAt: time.Now()}
	for _, d := range m.Docs {
		for _, r := range d.Reports {
			if r.Package == "" {
				c := *r
				c.Package = d.Package
				r = &c
			}
			all.Reports = append(all.Reports, r)
		}
		for id, p := range d.Patterns {
			if all.Patterns == nil {
				all.Patterns = map[string]report.Pattern{}
			}
			all.Patterns[id] = p
		}
	}
	const whole = 3 // the index, the catalog, the profile
	errs := make([]error, len(m.Docs)+whole)
	parallel(len(errs), func(i int) {
		switch i {
		case 0:
			ix := &report.Index{Problems: m.Skipped, Notes: m.notes(), MaxGroupRows: mergedIndexRows}
			for _, d := range m.Docs {
				ix.Packages = append(ix.Packages, report.IndexEntry{Doc: d, Files: mergedFiles(d.Package)})
			}
			errs[i] = m.writeFile(out, indexFileName, ix.WriteHTML)
		case 1:
			errs[i] = m.writeFile(out, catalogFileName, func(w io.Writer) error { return report.WriteCatalogPage(w, m.Docs) })
		case 2:
			errs[i] = m.writeFile(out, MergedPprof, all.WritePprof)
		default:
			errs[i] = m.writePage(out, i-whole)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return m.writeFile(out, MergedJSON, all.WriteCompactJSON)
}

// mergedIndexRows bounds the group list of a merged index: the largest
// groups of a monorepo, the rest on their packages' pages.
const mergedIndexRows = 1000

// mergedFiles names a package's files in a merged directory: its own
// page, and the JSON and pprof files every package shares.
func mergedFiles(pkg string) report.PackageFiles {
	return report.PackageFiles{HTML: packageFiles(pkg).HTML, JSON: MergedJSON, Pprof: MergedPprof}
}

// writePage puts the page of m.Docs[i] into out: the shard's page when
// the merge kept the package as the shard had it, else the page rendered
// anew. A kept page links to its package's JSON and profile files, so they
// come along; when any of the three cannot be brought (gone, not a regular
// file, a zip entry that inflates too much), the page is rendered anew.
// Files are hard links to the shard's where the file system allows (no
// copy, and a later write replaces the link, never the shard's file),
// else copies.
func (m *Merged) writePage(out string, i int) error {
	d, src := m.Docs[i], m.pages[i]
	files := mergedFiles(d.Package)
	if src.file != "" || src.zip != "" {
		own := packageFiles(d.Package)
		var err error
		for _, name := range []string{own.HTML, own.JSON, own.Pprof} {
			sibling := strings.TrimSuffix(src.file+src.entry, ".html") + strings.TrimPrefix(name, strings.TrimSuffix(own.HTML, ".html"))
			if err = m.bring(out, name, src, sibling); err != nil {
				break
			}
		}
		if err == nil {
			return nil
		}
		for _, name := range []string{own.JSON, own.Pprof} {
			os.Remove(filepath.Join(out, name))
		}
	}
	c := *d
	c.Reports = compactReports(d.Reports)
	return m.writeFile(out, files.HTML, func(w io.Writer) error { return report.WritePackagePage(w, &c, files) })
}

// maxPageBytes bounds a page or profile copied from a shard's zip.
const maxPageBytes = 256 << 20

// bring links or copies the file path of the shard src (a file, or an
// entry of src's zip) to name in out. Only a regular file is brought: a
// link in a shard (to /etc/passwd, say) is never linked or copied.
func (m *Merged) bring(out, name string, src pageSource, path string) error {
	if src.zip != "" {
		return m.writeFile(out, name, func(w io.Writer) error { return copyZipEntry(w, src.zip, path) })
	}
	f, err := srcfile.OpenRegular(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	dst := filepath.Join(out, name)
	if m.wrap == nil && os.Link(path, dst) == nil {
		// The name may have been swapped for a link since it was opened:
		// keep the link only when it is the file checked.
		if lst, err := os.Lstat(dst); err == nil && lst.Mode().IsRegular() && os.SameFile(lst, st) {
			return nil
		}
		os.Remove(dst)
	}
	return m.writeFile(out, name, func(w io.Writer) error {
		_, err := io.Copy(w, f)
		return err
	})
}

// copyZipEntry copies a zip entry, bounded in size and in how much it
// inflates (checkZipEntry).
func copyZipEntry(w io.Writer, zipPath, entry string) error {
	f, err := srcfile.OpenRegular(zipPath)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return err
	}
	for _, zf := range zr.File {
		if zf.Name != entry {
			continue
		}
		rc, err := zipEntryReader(zf, maxPageBytes)
		if err != nil {
			return err
		}
		defer rc.Close()
		_, err = io.Copy(w, rc)
		return err
	}
	return fmt.Errorf("%s: no entry %s", zipPath, entry)
}

// notes is what the index says about how the merge went.
func (m *Merged) notes() []string {
	n := []string{fmt.Sprintf("Merged %s with %s.", words.Plural(m.Shards, "shard"), words.Plural(len(m.Docs), "package"))}
	if len(m.Skipped) > 0 {
		n = append(n, fmt.Sprintf("Left out %s that could not be read whole (listed below); their packages may be missing.", words.Plural(len(m.Skipped), "torn shard")))
	}
	return append(n, m.Notes...)
}

// parallel calls f(0) … f(n-1) on as many goroutines as there are CPUs.
func parallel(n int, f func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				next.Lock()
				j := i
				i++
				next.Unlock()
				if j >= n {
					return
				}
				f(j)
			}
		})
	}
	wg.Wait()
}
