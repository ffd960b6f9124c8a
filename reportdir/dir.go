package reportdir

import (
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
//	LEAKHOUND_REPORT=$PWD/leaks go test ./...
//
// then open leaks/index.html.
const Env = "LEAKHOUND_REPORT"

// BazelOutputsEnv is the variable Bazel sets for a test to its directory
// of undeclared outputs (bazel-testlogs/<target>/test.outputs, zipped into
// outputs.zip by default); rules_go passes it to go_test.
const BazelOutputsEnv = "TEST_UNDECLARED_OUTPUTS_DIR"

// BazelSubdir is the directory DirFromEnv names inside Bazel's outputs
// directory, so the reports stay apart from other tools' outputs.
const BazelSubdir = "leakhound"

// DirFromEnv returns the report directory named by LEAKHOUND_REPORT, or ""
// when the variable is set but blank, meaning no report files are wanted.
// When LEAKHOUND_REPORT is not set at all and the test runs under Bazel
// (BazelOutputsEnv is set), reports go to the leakhound directory inside
// Bazel's outputs directory, which Bazel keeps with the test's results.
// A relative path is made absolute against the working directory, because
// `go test` runs each package's tests in that package's directory and a
// relative path would scatter the reports.
func DirFromEnv() string {
	val, set := os.LookupEnv(Env)
	dir := strings.TrimSpace(val)
	if !set {
		if out := strings.TrimSpace(os.Getenv(BazelOutputsEnv)); out != "" {
			dir = filepath.Join(out, BazelSubdir)
		}
	}
	if dir == "" {
		return ""
	}
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
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
// In GitHub Actions (StepSummaryEnv set), WriteDir also puts the
// package's summary into the job's step summary, once per package (see
// WriteStepSummary). The package's document records the shard of a split
// Bazel test (Document.Shard) for Merge.
//
// WriteDir is safe to call from many goroutines and many processes at
// once, as `go test ./...` does with one test binary per package: the
// directory is locked while it is written, and every file is written to a
// temporary name and renamed into place. pkg is the package's import path;
// when empty, the reports' Package is used.
func WriteDir(dir, pkg string, reports []*report.Report) error {
	if dir == "" {
		return errors.New("writing the leak report: no report directory given")
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
		return fmt.Errorf("creating the report directory: %w", err)
	}
	processReports.Lock()
	defer processReports.Unlock()
	all := rememberReports(dir, pkg, reports)
	unlock, err := lockDir(dir)
	if err != nil {
		return err
	}
	doc := &report.Document{Package: pkg, GeneratedAt: time.Now(), Reports: compactReports(all), Shard: shardFromEnv()}
	err = writePackageFiles(dir, doc)
	if ierr := rebuildIndexLocked(dir); ierr != nil {
		err = errors.Join(err, ierr)
	}
	err = errors.Join(err, unlock())
	if summary := os.Getenv(StepSummaryEnv); summary != "" && err == nil {
		opts := report.SummaryOptions{Page: packageFiles(pkg).HTML, Artifact: strings.TrimSpace(os.Getenv(ArtifactEnv))}
		err = WriteStepSummary(summary, []*report.Document{doc}, pkg, opts)
	}
	return err
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
	if err := write(f); err != nil {
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
