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
// holds a package file or a writer's leftovers, and every zip file holding
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
	return isPackageJSON(name) || isTempName(name)
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

// read reads every package document of the shard. A shard with a file
// that does not parse, or with a writer's temporary file (the writer was
// killed in the middle), is torn: the error wraps errTorn and says which
// file. A zip without package files is not a shard (nil, nil): Bazel
// writes outputs.zip for every test, leaking or not.
func (s shard) read() ([]*report.Document, error) {
	if s.zip != "" {
		return s.readZip()
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errTorn, err)
	}
	var docs []*report.Document
	for _, e := range entries {
		name := e.Name()
		switch {
		case isTempName(name):
			return nil, fmt.Errorf("%w: %s is a file a writer had not finished; the job was probably killed while writing", errTorn, name)
		case isPackageJSON(name):
			doc, err := readDocFile(filepath.Join(s.dir, name))
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %w", errTorn, name, err)
			}
			docs = append(docs, doc)
		}
	}
	return docs, nil
}

func (s shard) readZip() ([]*report.Document, error) {
	zr, err := zip.OpenReader(s.zip)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errTorn, err)
	}
	defer zr.Close()
	var docs []*report.Document
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
			docs = append(docs, doc)
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
