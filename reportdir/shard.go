package reportdir

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// A shard is one report directory among many: the artifact of one CI job,
// the test.outputs of one Bazel test target, or a zip of either (Bazel
// zips a test's outputs into outputs.zip). Merge reads shards.
type shard struct {
	// Name is how messages and the index name the shard: its path, and
	// for a zip the path of the zip.
	Name string
	dir  string // a directory, or
	zip  string // a zip file
}

// findShards lists the shards under the inputs: every directory that
// holds a package file, a merge's JSON file or a writer's leftovers, and every zip file holding
// package files, in path order. A directory named in skip (the merge's
// output) is not entered.
func findShards(inputs []string, skip string) ([]shard, error) {
	var shards []shard
	seen := map[string]bool{}
	add := func(s shard) {
		key := s.dir + "\x00" + s.zip
		if !seen[key] {
			seen[key] = true
			shards = append(shards, s)
		}
	}
	for _, in := range inputs {
		st, err := os.Stat(in)
		if err != nil {
			return nil, fmt.Errorf("reading the shards: %w", err)
		}
		if !st.IsDir() {
			add(shard{Name: in, zip: in})
			continue
		}
		err = filepath.WalkDir(in, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if skip != "" && sameDir(p, skip) {
					return filepath.SkipDir
				}
				return nil
			}
			name := d.Name()
			switch {
			case strings.HasSuffix(name, ".zip"):
				add(shard{Name: p, zip: p})
			case isShardFile(name):
				dir := filepath.Dir(p)
				add(shard{Name: dir, dir: dir})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("looking for report directories under %s: %w", in, err)
		}
	}
	sort.SliceStable(shards, func(i, j int) bool { return shards[i].Name < shards[j].Name })
	return shards, nil
}

// isShardFile tells the files that make a directory a report directory:
// a package's JSON file, or a temporary file a writer left.
func isShardFile(name string) bool {
	return isPackageJSON(name) || isTempName(name) || name == MergedJSON
}

func isPackageJSON(name string) bool {
	return strings.HasPrefix(name, packagePrefix) && strings.HasSuffix(name, ".json")
}

func isTempName(name string) bool {
	ok, _ := filepath.Match(tempPattern, name)
	return ok
}

func sameDir(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// errTorn marks a shard that cannot be trusted whole: a job killed while
// writing, an artifact cut short in upload or download. Merge skips such
// a shard rather than count part of it.
var errTorn = errors.New("torn shard")

// shardDoc is a package document read from a shard, with where the
// shard keeps the package's page: a merge that keeps the document as it is
// links or copies the page instead of rendering it again.
type shardDoc struct {
	doc  *report.Document
	page pageSource
}

// pageSource is a package page in a shard: a file, or an entry of a zip.
// The zero value is no page.
type pageSource struct {
	file       string
	zip, entry string
}

// read reads every package document of the shard. A shard with a file
// that does not parse, or with a writer's temporary file (the writer was
// killed in the middle), is torn: the error wraps errTorn and says which
// file. A zip without package files is not a shard (nil, nil): Bazel
// writes outputs.zip for every test, leaking or not. A directory a merge
// wrote (it has MergedJSON) is read from that file alone.
func (s shard) read() ([]shardDoc, error) {
	if s.zip != "" {
		return s.readZip()
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errTorn, err)
	}
	names := map[string]bool{}
	for _, e := range entries {
		names[e.Name()] = true
	}
	var docs []shardDoc
	for _, e := range entries {
		name := e.Name()
		switch {
		case isTempName(name):
			return nil, fmt.Errorf("%w: %s is a file a writer had not finished; the job was probably killed while writing", errTorn, name)
		case name == MergedJSON:
			all, err := readDocFile(filepath.Join(s.dir, name))
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %w", errTorn, name, err)
			}
			split := splitMerged(all)
			for i := range split {
				if page := packageFiles(split[i].doc.Package).HTML; names[page] {
					split[i].page = pageSource{file: filepath.Join(s.dir, page)}
				}
			}
			return split, nil
		case isPackageJSON(name):
			doc, err := readDocFile(filepath.Join(s.dir, name))
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %w", errTorn, name, err)
			}
			sd := shardDoc{doc: doc}
			if page := strings.TrimSuffix(name, ".json") + ".html"; names[page] {
				sd.page = pageSource{file: filepath.Join(s.dir, page)}
			}
			docs = append(docs, sd)
		}
	}
	return docs, nil
}

// splitMerged turns a merged document back into one per package, so a
// merge's output can be merged again.
func splitMerged(all *report.Document) []shardDoc {
	byPkg := map[string]*report.Document{}
	var out []shardDoc
	for _, r := range all.Reports {
		d := byPkg[r.Package]
		if d == nil {
			d = &report.Document{SchemaVersion: all.SchemaVersion, Package: r.Package, GeneratedAt: all.GeneratedAt, Patterns: all.Patterns}
			byPkg[r.Package] = d
			out = append(out, shardDoc{doc: d})
		}
		d.Reports = append(d.Reports, r)
	}
	return out
}

func (s shard) readZip() ([]shardDoc, error) {
	zr, err := zip.OpenReader(s.zip)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errTorn, err)
	}
	defer zr.Close()
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	var docs []shardDoc
	for _, f := range zr.File {
		name := path.Base(f.Name)
		switch {
		case isTempName(name):
			return nil, fmt.Errorf("%w: %s is a file a writer had not finished; the job was probably killed while writing", errTorn, f.Name)
		case isPackageJSON(name):
			doc, err := readZipDoc(f)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %w", errTorn, f.Name, err)
			}
			sd := shardDoc{doc: doc}
			if page := strings.TrimSuffix(f.Name, ".json") + ".html"; names[page] {
				sd.page = pageSource{zip: s.zip, entry: page}
			}
			docs = append(docs, sd)
		}
	}
	return docs, nil
}

func readZipDoc(f *zip.File) (*report.Document, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	doc, err := report.ReadJSON(rc)
	if err != nil {
		return nil, err
	}
	// The checksum is verified only at the end of the entry; reading to
	// the end catches an entry cut short after its JSON value.
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return nil, err
	}
	return doc, nil
}
