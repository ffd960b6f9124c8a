package reportdir

import (
	"bufio"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/leakhound/leakhound/report"
)

// Env is the environment variable that turns report files on:
// set it to a directory and every package whose tests leak writes its
// reports there, for example
//
//	LEAKHOUND_REPORT=leaks go test ./...
//
// then open leaks/index.html. leakcheck reads it (this package reads no
// environment: its callers pass what they read, see ResolveDir).
const Env = "LEAKHOUND_REPORT"

// BazelOutputsEnv is the variable Bazel sets for a test to its directory
// of undeclared outputs (bazel-testlogs/<target>/test.outputs, zipped into
// outputs.zip by default); rules_go passes it to go_test.
const BazelOutputsEnv = "TEST_UNDECLARED_OUTPUTS_DIR"

// BazelSubdir is the directory ResolveDir names inside Bazel's outputs
// directory, so the reports stay apart from other tools' outputs.
const BazelSubdir = "leakhound"

// ResolveDir returns the report directory the value of LEAKHOUND_REPORT
// names (val, and set: whether the variable is set at all), or "" when it
// is set but blank, meaning no report files are wanted. When it is not set
// and the test runs under Bazel (bazelOutputs, the value of
// BazelOutputsEnv, is not blank), reports go to the leakhound directory
// inside Bazel's outputs directory, which Bazel keeps with the test's
// results. A relative path is joined to root: leakcheck passes the module
// root, so that the reports of every package of a `go test ./...` run,
// each run in its own package's directory, land in one directory.
func ResolveDir(val string, set bool, bazelOutputs, root string) string {
	dir := strings.TrimSpace(val)
	if !set {
		if out := strings.TrimSpace(bazelOutputs); out != "" {
			dir = filepath.Join(out, BazelSubdir)
		}
	}
	if dir == "" {
		return ""
	}
	return FromRoot(root, dir)
}

// FromRoot is the rule for every relative path leakhound is given in its
// variables and options (LEAKHOUND_REPORT, LEAKHOUND_BASELINE, ReportDir,
// KnownLeaks): joined to root, the module root of the package under test,
// then made absolute. With root "" it is taken from the working
// directory.
func FromRoot(root, path string) string {
	if !filepath.IsAbs(path) && root != "" {
		path = filepath.Join(root, path)
	}
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// Names of the files in a report directory.
const (
	indexFileName   = report.IndexPage
	catalogFileName = report.CatalogPage
	packagePrefix   = "pkg-"
	// tempPattern names files being written; they are renamed into place
	// when complete, so a reader never sees half a file.
	tempPattern = ".leakhound-*.tmp"
)

// WriteDir writes the reports of one package into dir and rebuilds the
// directory's index. dir is created if needed. The package gets three
// files named after its import path:
//
//	pkg-<path>.json   the reports (see SCHEMA.md), the source of truth
//	pkg-<path>.html   the reports as a page, linked from the index
//	pkg-<path>.pb.gz  a pprof profile of the leaked goroutines
//
// and index.html (every package in the directory, with totals and links)
// and catalog.html (the leak patterns) are rebuilt from all the pkg-*.json
// files present.
//
// The contract: the package's files hold every report this process has
// given WriteDir for the package and directory, each once, in the order
// first given. A caller may pass every report of the package so far, each
// time (the last call wins, and holds them all), or only its new reports
// (they are added): both give the same files. A report passed again is
// recognised, as the same report or an equal copy, and not repeated. A new process starts the
// package afresh, so running the tests again replaces the package's stale
// results instead of piling them up. Reports of other packages are left
// alone; remove the directory to forget packages that no longer leak.
//
// WriteDir reads no environment and writes nothing but the directory:
// WriteDirWith takes the shard of a split test run and returns the
// package's document, for a caller that also writes a step summary
// (WritePackageSummary).
//
// WriteDir is safe to call from many goroutines and many processes at
// once, as `go test ./...` does with one test binary per package: the
// directory is locked while it is written, and every file is written to a
// temporary name and renamed into place. pkg is the package's import path;
// when empty, the reports' Package is used.
func WriteDir(dir, pkg string, reports []*report.Report) error {
	_, err := WriteDirWith(dir, pkg, reports, WriteOptions{})
	return err
}

// WriteOptions are what WriteDirWith takes beyond the reports.
type WriteOptions struct {
	// Shard names the shard of a split test run the writing process is,
	// as "index/total" (see Shard); the package's document records it
	// (Document.Shard), so Merge combines shards instead of taking one as
	// a rerun. "" when the tests are not split.
	Shard string
}

// WriteDirWith is WriteDir with options. It returns the package's
// document as written: every report the process has given for the
// package, for a step summary of it.
func WriteDirWith(dir, pkg string, reports []*report.Report, opts WriteOptions) (*report.Document, error) {
	if dir == "" {
		return nil, errors.New("writing the leak report: no report directory given")
	}
	if pkg == "" {
		for _, r := range reports {
			if r != nil && r.Package != "" {
				pkg = r.Package
				break
			}
		}
	}
	if pkg == "" {
		pkg = "unknown"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the report directory: %w", err)
	}
	processReports.Lock()
	defer processReports.Unlock()
	all := rememberReports(dir, pkg, reports)
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	doc := &report.Document{Package: pkg, GeneratedAt: time.Now(), Reports: compactReports(all), Shard: opts.Shard}
	err = writePackageFiles(dir, doc)
	if ierr := rebuildIndexLocked(dir); ierr != nil {
		err = errors.Join(err, ierr)
	}
	err = errors.Join(err, unlock())
	return doc, err
}

// WritePackageSummary puts the summary of one package's document, as
// WriteDirWith returned it, into the step summary file at path, once per
// package (see WriteStepSummary), pointing to the package's page and to
// artifact, the name the report directory is uploaded as ("" if unknown).
func WritePackageSummary(path string, doc *report.Document, artifact string) error {
	opts := report.SummaryOptions{Page: packageFiles(doc.Package).HTML, Artifact: strings.TrimSpace(artifact)}
	return WriteStepSummary(path, []*report.Document{doc}, doc.Package, opts)
}

// writePackageFiles writes the files of a package's document. The JSON
// file is written last: it is what the index reads, so the index never
// links to a page that is not there yet.
func writePackageFiles(dir string, doc *report.Document) error {
	files := packageFiles(doc.Package)
	if err := writeFileAtomic(dir, files.Pprof, doc.WritePprof); err != nil {
		return err
	}
	if err := writeFileAtomic(dir, files.HTML, func(w io.Writer) error { return report.WritePackagePage(w, doc, files) }); err != nil {
		return err
	}
	return writeFileAtomic(dir, files.JSON, doc.WriteJSON)
}

// packageFiles names a package's three files.
func packageFiles(pkg string) report.PackageFiles {
	base := packageFileBase(pkg)
	return report.PackageFiles{HTML: base + ".html", JSON: base + ".json", Pprof: base + ".pb.gz"}
}

// compactReports drops nil reports and nil groups, so that the positions
// the HTML anchors use (r<i>-g<j>) are the same in every file written from
// the reports, JSON included.
func compactReports(reports []*report.Report) []*report.Report {
	out := make([]*report.Report, 0, len(reports))
	for _, r := range reports {
		if r == nil {
			continue
		}
		c := *r
		c.Groups = make([]*report.Group, 0, len(r.Groups))
		for _, g := range r.Groups {
			if g != nil {
				c.Groups = append(c.Groups, g)
			}
		}
		out = append(out, &c)
	}
	return out
}

// packageFileBase names a package's files: "pkg-" and the import path with
// "/" turned into "_", e.g. pkg-example.com_app_store. A path with any
// other character that is not safe in file names on every system (or with
// "_", which would make two paths share a name) keeps only its safe
// characters and gets a hash of the full path, so names stay distinct.
func packageFileBase(pkg string) string {
	var b strings.Builder
	clean := true
	for _, c := range pkg {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-':
			b.WriteRune(c)
		case c == '/':
			b.WriteByte('_')
		default:
			b.WriteByte('_')
			clean = false
		}
	}
	name := b.String()
	const maxName = 120 // file names are limited to 255 bytes; leave room
	if len(name) > maxName {
		name = name[:maxName]
		clean = false
	}
	if strings.HasPrefix(name, ".") {
		clean = false
	}
	if !clean {
		h := fnv.New64a()
		h.Write([]byte(pkg))
		name = fmt.Sprintf("%s-%016x", name, h.Sum64())
	}
	return packagePrefix + name
}

// writeFileAtomic writes name in dir through a temporary file in the same
// directory and renames it into place, so readers see the old file or the
// new one, never a mix.
func writeFileAtomic(dir, name string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	// Renderers write in small pieces; one system call per piece made
	// writing a merge of a thousand packages take ten times as long.
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	// CreateTemp makes files private; reports are for anyone who can read
	// the directory.
	if err := f.Chmod(0o644); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := os.Rename(f.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
