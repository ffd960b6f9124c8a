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

	"github.com/leakhound/leakhound/internal/capread"
	"github.com/leakhound/leakhound/internal/srcfile"
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
// package files, in path order. An input that is a symbolic link (Bazel's
// bazel-testlogs) is resolved first; links inside the inputs are not
// followed, so a shard cannot lead the merge out of the inputs.
func findShards(inputs []string) ([]shard, error) {
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
		real, err := filepath.EvalSymlinks(in)
		if err != nil {
			return nil, fmt.Errorf("reading the shards: %w", err)
		}
		st, err := os.Stat(real)
		if err != nil {
			return nil, fmt.Errorf("reading the shards: %w", err)
		}
		if !st.IsDir() {
			add(shard{Name: in, zip: real})
			continue
		}
		err = filepath.WalkDir(real, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			// A link, FIFO or device named like a report file is found
			// too, so that reading it says why its shard is left out.
			name := d.Name()
			// Messages name the path as the user gave it.
			shown := filepath.Join(in, strings.TrimPrefix(p, real))
			switch {
			case strings.HasSuffix(name, ".zip"):
				add(shard{Name: shown, zip: p})
			case isShardFile(name):
				add(shard{Name: filepath.Dir(shown), dir: filepath.Dir(p)})
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

// checkOutput refuses an output directory that is an input, lies inside
// one or holds one: the merge replaces its output whole, so it would
// delete the reports it reads, or read what it is about to replace.
func checkOutput(inputs []string, out string) error {
	if out == "" {
		return nil
	}
	o, err := resolvePath(out)
	if err != nil {
		return err
	}
	for _, in := range inputs {
		i, err := resolvePath(in)
		if err != nil {
			return err
		}
		if srcfile.Within(i, o) || srcfile.Within(o, i) {
			return fmt.Errorf("the output directory %s overlaps the input %s: the merge replaces its output whole, so it would lose the reports it reads; write it elsewhere", out, in)
		}
	}
	return nil
}

// resolvePath is path absolute with its symbolic links resolved, as far
// as it exists: an output directory may not exist yet.
func resolvePath(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	var rest []string
	for p := abs; ; p = filepath.Dir(p) {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{real}, rest...)...), nil
		}
		if filepath.Dir(p) == p {
			return abs, nil
		}
		rest = append([]string{filepath.Base(p)}, rest...)
	}
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
	// names are the regular files: a link or a FIFO among a shard's
	// files is never read, linked or copied.
	names := map[string]bool{}
	for _, e := range entries {
		names[e.Name()] = e.Type().IsRegular()
	}
	var docs []shardDoc
	for _, e := range entries {
		name := e.Name()
		if (isPackageJSON(name) || name == MergedJSON) && !names[name] {
			return nil, fmt.Errorf("%w: %s is not a regular file but %s", errTorn, name, srcfile.Kind(e.Type()))
		}
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
	f, err := srcfile.OpenRegular(s.zip)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errTorn, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errTorn, err)
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errTorn, err)
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = f.Mode().IsRegular() && checkZipEntry(f, report.MaxJSONBytes) == nil
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

// maxZipRatio bounds how much larger than its compressed size a zip entry
// may be: report files compress well, but not a thousandfold as a zip
// bomb does, and a merge writes no more than this per byte it reads.
const maxZipRatio = 64

// zipSlack lets a tiny entry inflate past maxZipRatio: a few kilobytes
// compress better than large files do.
const zipSlack = 64 << 10

// checkZipEntry refuses an entry that says it is larger than limit or
// than maxZipRatio times its compressed size. Reading it is bounded as
// well (zipEntryReader): the sizes in a zip are the writer's word.
func checkZipEntry(f *zip.File, limit int64) error {
	size, packed := f.UncompressedSize64, f.CompressedSize64
	switch {
	case !f.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file but %s", f.Name, srcfile.Kind(f.Mode()))
	case size > uint64(limit):
		return fmt.Errorf("%s inflates to %d MiB, more than %d MiB", f.Name, size>>20, limit>>20)
	case size > packed*maxZipRatio+zipSlack:
		return fmt.Errorf("%s inflates %d times (%d bytes to %d), more than a report does", f.Name, size/max(packed, 1), packed, size)
	}
	return nil
}

// zipEntryReader opens a checked entry, reading no more than it declared.
func zipEntryReader(f *zip.File, limit int64) (io.ReadCloser, error) {
	if err := checkZipEntry(f, limit); err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{&capread.Reader{R: rc, N: int64(f.UncompressedSize64), Err: fmt.Errorf("%s is longer than its zip header says", f.Name)}, rc}, nil
}

func readZipDoc(f *zip.File) (*report.Document, error) {
	rc, err := zipEntryReader(f, report.MaxJSONBytes)
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
