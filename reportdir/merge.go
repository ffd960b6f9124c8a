package reportdir

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

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
// half-written shard never counts half a package. skip names a directory
// not to search, the output of the merge.
func Collect(inputs []string, skip string) (*Merged, error) {
	shards, err := findShards(inputs, skip)
	if err != nil {
		return nil, err
	}
	type result struct {
		docs []*report.Document
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
		doc   *report.Document
		from  string
		order int
		also  []string
	}
	best := map[key]*kept{}
	order := 0
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
		for _, d := range res.docs {
			order++
			k := key{d.Package, d.Shard}
			cur := best[k]
			switch {
			case cur == nil:
				best[k] = &kept{doc: d, from: s.Name, order: order}
			case !d.GeneratedAt.Before(cur.doc.GeneratedAt):
				best[k] = &kept{doc: d, from: s.Name, order: order, also: append(cur.also, cur.from)}
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
		sort.Slice(parts, func(i, j int) bool { return parts[i].doc.Shard < parts[j].doc.Shard })
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
	}
	return m, nil
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

// Write writes the merged directory into out, which is created if needed:
// each package's files as WriteDir writes them (so the result is itself a
// report directory, and can be merged again), index.html with the notes
// and the skipped shards, catalog.html, and every package in one JSON
// document (MergedJSON, Package empty, each report naming its package) and
// one pprof profile (MergedPprof). Package files already in out that the
// merge does not write are removed: out is the merge's, not a mix of runs.
func (m *Merged) Write(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("creating the merged report directory: %w", err)
	}
	unlock, err := lockDir(out)
	if err != nil {
		return err
	}
	return errors.Join(m.writeLocked(out), unlock())
}

func (m *Merged) writeLocked(out string) error {
	keep := map[string]bool{}
	for _, d := range m.Docs {
		f := packageFiles(d.Package)
		keep[f.JSON], keep[f.HTML], keep[f.Pprof] = true, true, true
	}
	old, _ := filepath.Glob(filepath.Join(out, packagePrefix+"*"))
	for _, name := range old {
		if !keep[filepath.Base(name)] {
			os.Remove(name)
		}
	}
	removeStaleTemps(out)

	errs := make([]error, len(m.Docs))
	parallel(len(m.Docs), func(i int) {
		d := *m.Docs[i]
		d.Reports = compactReports(d.Reports)
		errs[i] = writePackageFiles(out, &d)
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}

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
	var errs2 [4]error
	parallel(len(errs2), func(i int) {
		switch i {
		case 0:
			errs2[i] = writeFileAtomic(out, MergedJSON, all.WriteJSON)
		case 1:
			errs2[i] = writeFileAtomic(out, MergedPprof, all.WritePprof)
		case 2:
			errs2[i] = writeIndex(out, m.Docs, m.Skipped, m.notes())
		case 3:
			errs2[i] = writeCatalog(out, m.Docs)
		}
	})
	return errors.Join(errs2[:]...)
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
