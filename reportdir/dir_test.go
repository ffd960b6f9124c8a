package reportdir

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/testenv"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

func TestPackageFileBase(t *testing.T) {
	tests := []struct {
		pkg, want string
	}{
		{"example.com/app/store", "pkg-example.com_app_store"},
		{"net/http", "pkg-net_http"},
		{"main", "pkg-main"},
		{"gopkg.in/yaml.v3", "pkg-gopkg.in_yaml.v3"},
		{"example.com/my-app", "pkg-example.com_my-app"},
	}
	for _, tt := range tests {
		if got := packageFileBase(tt.pkg); got != tt.want {
			t.Errorf("packageFileBase(%q) = %q, want %q", tt.pkg, got, tt.want)
		}
	}
	// Paths that a plain replacement would merge must keep distinct names,
	// and every name must be safe on every file system.
	distinct := []string{
		"a/b", "a_b", "a b", "a:b", "a\\b", "a/b_", "A/b", "ünïcode/pkg", ".hidden", "..",
		strings.Repeat("x/", 100) + "one", strings.Repeat("x/", 100) + "two", "command-line-arguments",
	}
	seen := map[string]string{}
	safe := regexp.MustCompile(`^pkg-[A-Za-z0-9._-]+$`)
	for _, p := range distinct {
		name := packageFileBase(p)
		if other, dup := seen[name]; dup {
			t.Errorf("%q and %q share the file name %q", p, other, name)
		}
		seen[name] = p
		if !safe.MatchString(name) || len(name)+len(".pb.gz") > 255 {
			t.Errorf("packageFileBase(%q) = %q is not a safe file name", p, name)
		}
		if again := packageFileBase(p); again != name {
			t.Errorf("packageFileBase(%q) is not stable: %q then %q", p, name, again)
		}
	}
}

// TestResolveDir: LEAKHOUND_REPORT's value, Bazel's outputs directory and
// the module root make the report directory.
func TestResolveDir(t *testing.T) {
	root := t.TempDir()
	abs := filepath.Join(t.TempDir(), "leaks")
	bazel := filepath.Join(t.TempDir(), "test.outputs")
	const unset = "(unset)"
	tests := []struct{ env, bazel, want string }{
		{unset, unset, ""},
		{"", unset, ""},
		{"   ", unset, ""},
		{abs, unset, abs},
		{"leaks", unset, filepath.Join(root, "leaks")},
		{" " + abs + "\n", unset, abs},
		// Under Bazel, reports go to its outputs directory unless the
		// variable says otherwise, blank included.
		{unset, bazel, filepath.Join(bazel, BazelSubdir)},
		{unset, "", ""},
		{abs, bazel, abs},
		{"", bazel, ""},
	}
	for _, tt := range tests {
		val, set := tt.env, tt.env != unset
		if !set {
			val = ""
		}
		bz := tt.bazel
		if bz == unset {
			bz = ""
		}
		if got := ResolveDir(val, set, bz, root); got != tt.want {
			t.Errorf("%s=%q %s=%q: ResolveDir = %q, want %q", Env, tt.env, BazelOutputsEnv, tt.bazel, got, tt.want)
		}
	}
}

func TestShard(t *testing.T) {
	tests := []struct {
		index, total, want string
		bad                bool
	}{
		{"", "", "", false},
		{"0", "1", "", false},
		{"0", "4", "0/4", false},
		{" 3 ", "4", "3/4", false},
		{"4", "4", "", true},
		{"-1", "4", "", true},
		{"x", "4", "", true},
		{"1", "", "", true},
		{"0", "0", "", true},
	}
	for _, tt := range tests {
		got, err := Shard(tt.index, tt.total)
		if got != tt.want || (err != nil) != tt.bad {
			t.Errorf("Shard(%q, %q) = %q, %v; want %q, error %v", tt.index, tt.total, got, err, tt.want, tt.bad)
		}
		if err != nil && !strings.Contains(err.Error(), ShardIndexEnv) {
			t.Errorf("the error does not name the variable: %v", err)
		}
	}
}

// leakReport is a small report whose one group is told apart by its
// blocking function, so a test can find every leak in the files.
func leakReport(pkg, fn string, count int, test string) *report.Report {
	return &report.Report{
		Title: test, Package: pkg, Total: count,
		Groups: []*report.Group{{
			Reason: report.ReasonChanReceive, State: "chan receive", Count: count, Tests: []string{test},
			Block: profile.Frame{Func: fn, File: "/src/" + pkg + "/leak.go", Line: 7},
			Stack: &profile.Goroutine{State: "chan receive", Count: 1, Frames: []profile.Frame{
				{Func: "runtime.gopark", File: "/go/src/runtime/proc.go", Line: 435},
				{Func: fn, File: "/src/" + pkg + "/leak.go", Line: 7},
			}},
		}},
	}
}

// storeReports are the two reports of a package, with three groups of 7
// goroutines, one diagnosed with a catalog pattern.
func storeReports() []*report.Report {
	fetch := leakReport("example.com/app/store", "example.com/app/store.Fetch.func1", 4, "TestFetch")
	fetch.Groups[0].Diagnosis.PatternID = "LH001"
	more := leakReport("example.com/app/store", "example.com/app/store.Fetch.func2", 1, "TestFetch").Groups[0]
	fetch.Groups = append(fetch.Groups, more)
	fetch.Total += more.Count
	idle := leakReport("example.com/app/store", "example.com/app/store.idle", 2, "TestIdle")
	idle.Title = "TestIdle"
	return []*report.Report{fetch, idle}
}

// dirState is what a report directory says, read back the way a tool
// would: the JSON files, and the counts and functions in index.html.
type dirState struct {
	docs       map[string]*report.Document // by package
	jsonTotal  int
	indexTotal int            // sum of the index's group rows
	indexPkgs  map[string]int // package row counts
	index      string
	files      []string
}

var (
	rowCountRE = regexp.MustCompile(`<li class="r-[a-z]+" data-filter="[^"]*" data-reason="[^"]*" data-tests="[^"]*" data-count="(\d+)">`)
	pkgRowRE   = regexp.MustCompile(`<tr data-package="([^"]*)" data-count="(\d+)">`)
	headlineRE = regexp.MustCompile(`<p class="verdict(?: clean)?"><b>(\d+)</b>`)
)

func readDirState(t *testing.T, dir string) *dirState {
	t.Helper()
	s := &dirState{docs: map[string]*report.Document{}, indexPkgs: map[string]int{}}
	docs, err := ReadDir(dir)
	if err != nil {
		t.Fatalf("ReadDir: %v", err)
	}
	if merged, err := readDocFile(filepath.Join(dir, MergedJSON)); err == nil {
		// A merged directory's JSON file holds every package; the package
		// files kept pages brought along are a subset of it.
		docs = nil
		for _, sd := range splitMerged(merged) {
			docs = append(docs, sd.doc)
		}
	}
	for _, d := range docs {
		if _, dup := s.docs[d.Package]; dup {
			t.Errorf("package %s has two JSON files", d.Package)
		}
		s.docs[d.Package] = d
		for _, r := range d.Reports {
			for _, g := range r.Groups {
				s.jsonTotal += g.Count
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, indexFileName))
	if err != nil {
		t.Fatal(err)
	}
	s.index = string(b)
	for _, m := range rowCountRE.FindAllStringSubmatch(s.index, -1) {
		n, _ := strconv.Atoi(m[1])
		s.indexTotal += n
	}
	for _, m := range pkgRowRE.FindAllStringSubmatch(s.index, -1) {
		n, _ := strconv.Atoi(m[2])
		s.indexPkgs[m[1]] = n
	}
	if m := headlineRE.FindStringSubmatch(s.index); m == nil || m[1] != strconv.Itoa(s.jsonTotal) {
		t.Errorf("index headline %v, want the JSON files' total %d", m, s.jsonTotal)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		s.files = append(s.files, e.Name())
	}
	return s
}

// checkConsistent asserts the index agrees with the JSON files and that
// no temporary file is left.
func (s *dirState) checkConsistent(t *testing.T) {
	t.Helper()
	if s.indexTotal != s.jsonTotal {
		t.Errorf("index rows add up to %d goroutines, the JSON files to %d", s.indexTotal, s.jsonTotal)
	}
	if len(s.indexPkgs) != len(s.docs) {
		t.Errorf("index lists %d packages, the directory has %d JSON files", len(s.indexPkgs), len(s.docs))
	}
	for pkg, d := range s.docs {
		total := 0
		for _, r := range d.Reports {
			for _, g := range r.Groups {
				total += g.Count
			}
		}
		if s.indexPkgs[pkg] != total {
			t.Errorf("index says %s leaked %d, its JSON file %d", pkg, s.indexPkgs[pkg], total)
		}
	}
	for _, f := range s.files {
		if strings.HasSuffix(f, ".tmp") {
			t.Errorf("temporary file %s left behind", f)
		}
	}
}

func TestWriteDirFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "leaks") // created by WriteDir
	reports := storeReports()
	if err := WriteDir(dir, "example.com/app/store", reports); err != nil {
		t.Fatal(err)
	}
	base := "pkg-example.com_app_store"
	for _, f := range []string{indexFileName, catalogFileName, base + ".json", base + ".html", base + ".pb.gz"} {
		if !testenv.FileExists(filepath.Join(dir, f)) {
			t.Errorf("%s was not written", f)
		}
	}
	s := readDirState(t, dir)
	s.checkConsistent(t)
	if s.jsonTotal != 7 {
		t.Errorf("JSON files hold %d goroutines, want the fixture's 7", s.jsonTotal)
	}
	d := s.docs["example.com/app/store"]
	if d == nil || len(d.Reports) != 2 || d.Reports[0].Title != "TestFetch" || d.Reports[1].Title != "TestIdle" {
		t.Fatalf("JSON file does not hold the two reports in order: %+v", d)
	}
	page, err := os.ReadFile(filepath.Join(dir, base+".html"))
	if err != nil {
		t.Fatal(err)
	}
	// Every index row links to a card that exists on the package page.
	links := regexp.MustCompile(`href="`+regexp.QuoteMeta(base)+`\.html#(r\d+-g\d+)"`).FindAllStringSubmatch(s.index, -1)
	if len(links) != 3 {
		t.Errorf("index links to %d group cards, want 3", len(links))
	}
	for _, l := range links {
		if !strings.Contains(string(page), `id="`+l[1]+`"`) {
			t.Errorf("index links to #%s, which the package page lacks", l[1])
		}
	}
	for _, w := range []string{`href="` + base + `.json"`, `href="` + base + `.pb.gz"`, `href="catalog.html"`} {
		if !strings.Contains(s.index, w) {
			t.Errorf("index lacks %s", w)
		}
	}
	if !strings.Contains(string(page), `href="index.html"`) || !strings.Contains(string(page), `href="catalog.html#LH001"`) {
		t.Error("package page does not link back to the index and into the catalog page")
	}
	catalog, err := os.ReadFile(filepath.Join(dir, catalogFileName))
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Catalog()) == 0 {
		t.Fatal("the catalog is empty")
	}
	for _, p := range report.Catalog() {
		if !strings.Contains(string(catalog), `<article class="pattern" id="`+p.ID+`">`) || !strings.Contains(string(catalog), `<a href="#`+p.ID+`">`) {
			t.Errorf("catalog page lacks the entry or the contents link for %s", p.ID)
		}
	}
}

// clone returns an equal copy of a report, as a caller that rebuilds its
// reports passes.
func clone(r *report.Report) *report.Report {
	c := *r
	c.Groups = nil
	for _, g := range r.Groups {
		cg := *g
		c.Groups = append(c.Groups, &cg)
	}
	return &c
}

// TestWriteDirWithinProcess checks the two ways a caller may call
// WriteDir within one process give the same files: passing every report
// so far each time, or passing each report once.
func TestWriteDirWithinProcess(t *testing.T) {
	a, b := "example.com/a", "example.com/b"
	one := leakReport(a, "a.one", 1, "TestOne")
	two := leakReport(a, "a.two", 2, "TestTwo")
	three := leakReport(a, "a.three", 3, "TestThree")
	other := leakReport(b, "b.one", 5, "TestB")
	tests := []struct {
		name  string
		calls [][]*report.Report // each call's reports for package a
	}{
		{"all reports so far, each time", [][]*report.Report{{one}, {one, two}, {one, two, three}}},
		{"each report once", [][]*report.Report{{one}, {two}, {three}}},
		{"repeats and nils", [][]*report.Report{{one, nil}, {one}, {two, three, one}, nil}},
		{"rebuilt copies of earlier reports", [][]*report.Report{{one}, {clone(one), two}, {clone(one), clone(two), three}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := WriteDir(dir, b, []*report.Report{other}); err != nil {
				t.Fatal(err)
			}
			for _, reports := range tt.calls {
				if err := WriteDir(dir, a, reports); err != nil {
					t.Fatal(err)
				}
			}
			s := readDirState(t, dir)
			s.checkConsistent(t)
			var titles []string
			for _, r := range s.docs[a].Reports {
				titles = append(titles, r.Title)
			}
			if got := strings.Join(titles, ","); got != "TestOne,TestTwo,TestThree" {
				t.Errorf("package a holds reports %s, want each once in the order first written", got)
			}
			if got := s.indexPkgs; got[a] != 6 || got[b] != 5 {
				t.Errorf("index counts %v, want %s: 6 and %s: 5", got, a, b)
			}
			if n := len(s.files); n != 2*3+3 { // two packages' files, index, catalog, lock
				t.Errorf("%d files in the directory, want 9: %v", n, s.files)
			}
		})
	}
}

func TestWriteDirPackageFromReports(t *testing.T) {
	dir := t.TempDir()
	if err := WriteDir(dir, "", []*report.Report{nil, leakReport("example.com/r", "r.f", 1, "T")}); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(dir, "", nil); err != nil {
		t.Fatal(err)
	}
	s := readDirState(t, dir)
	if s.docs["example.com/r"] == nil || s.docs["unknown"] == nil {
		t.Errorf("packages %v, want example.com/r (from the report) and unknown", s.docs)
	}
}

func TestWriteDirErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, dir, want string }{
		{"no directory", "", "no report directory"},
		{"a file", file, "creating the report directory"},
		{"under a file", filepath.Join(file, "sub"), "creating the report directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteDir(tt.dir, "p", []*report.Report{leakReport("p", "p.f", 1, "T")})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("WriteDir(%q) = %v, want an error saying %q", tt.dir, err, tt.want)
			}
		})
	}
}

func TestWriteDirRemovesAbandonedTemps(t *testing.T) {
	dir := t.TempDir()
	abandoned := filepath.Join(dir, ".leakhound-123.tmp")
	if err := os.WriteFile(abandoned, []byte("half a fi"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteDir(dir, "p", []*report.Report{leakReport("p", "p.f", 1, "T")}); err != nil {
		t.Fatal(err)
	}
	if testenv.FileExists(abandoned) {
		t.Error("a temporary file left by a dead writer was not removed")
	}
}

func TestRebuildIndexReportsUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	if err := WriteDir(dir, "example.com/ok", []*report.Report{leakReport("example.com/ok", "ok.f", 2, "T")}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pkg-broken.json"), []byte(`{"schema_version": 7}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := RebuildIndex(dir); err != nil {
		t.Fatal(err)
	}
	docs, err := ReadDir(dir)
	if len(docs) != 1 || err == nil || !strings.Contains(err.Error(), "pkg-broken.json") {
		t.Errorf("ReadDir = %d docs, %v; want the good one and an error naming pkg-broken.json", len(docs), err)
	}
	index, _ := os.ReadFile(filepath.Join(dir, indexFileName))
	if !strings.Contains(string(index), "Files that could not be read") || !strings.Contains(string(index), "pkg-broken.json: reading the JSON report: schema version 7") {
		t.Error("index does not tell about the unreadable file")
	}
	if !strings.Contains(string(index), `data-count="2"`) {
		t.Error("index lost the readable package")
	}
}

// writerPackages are the packages one writer of the concurrency tests
// reports on; every writer also reports on the shared package, where the
// last writer wins.
func writerPackages(writer int) []string {
	return []string{
		fmt.Sprintf("example.com/w%d/alpha", writer),
		fmt.Sprintf("example.com/w%d/beta", writer),
		fmt.Sprintf("example.com/w%d/gamma_x", writer), // an unclean name
		"example.com/shared",
	}
}

const writerCalls = 4

// runWriter does what a test binary does: after each of its checks it
// writes all the reports of the package so far.
func runWriter(dir string, writer int) error {
	for _, pkg := range writerPackages(writer) {
		var reports []*report.Report
		for c := range writerCalls {
			reports = append(reports, leakReport(pkg, fmt.Sprintf("%s.leak%d_w%d", pkg, c, writer), c+1, fmt.Sprintf("Test%d", c)))
			if err := WriteDir(dir, pkg, reports); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkWriters asserts that every leak of every writer is in the
// directory. Writers in one process all add to the shared package; of
// writers in separate processes, the last one's complete set wins.
func checkWriters(t *testing.T, dir string, writers int, oneProcess bool) {
	t.Helper()
	s := readDirState(t, dir)
	s.checkConsistent(t)
	perPackage := writerCalls * (writerCalls + 1) / 2
	sharedWriters := 1
	if oneProcess {
		sharedWriters = writers
	}
	if want := (writers*3 + sharedWriters) * perPackage; s.jsonTotal != want {
		t.Errorf("JSON files hold %d goroutines, want %d", s.jsonTotal, want)
	}
	for w := range writers {
		for _, pkg := range writerPackages(w)[:3] {
			d := s.docs[pkg]
			if d == nil || len(d.Reports) != writerCalls {
				t.Errorf("package %s: %v, want its %d reports", pkg, d, writerCalls)
				continue
			}
			for c := range writerCalls {
				fn := fmt.Sprintf("%s.leak%d_w%d", pkg, c, w)
				if !strings.Contains(s.index, `title="`+fn+`"`) {
					t.Errorf("index lacks the leak in %s", fn)
				}
			}
		}
	}
	shared := s.docs["example.com/shared"]
	if oneProcess {
		if shared == nil || len(shared.Reports) != writers*writerCalls {
			t.Fatalf("shared package: %+v, want every writer's %d reports", shared, writerCalls)
		}
		return
	}
	if shared == nil || len(shared.Reports) != writerCalls {
		t.Fatalf("shared package: %+v, want one writer's %d reports", shared, writerCalls)
	}
	winner := regexp.MustCompile(`_w(\d+)$`).FindStringSubmatch(shared.Reports[0].Groups[0].Block.Func)
	for c, r := range shared.Reports {
		if want := fmt.Sprintf("example.com/shared.leak%d_w%s", c, winner[1]); r.Groups[0].Block.Func != want {
			t.Errorf("shared package mixes writers: report %d is %s, want %s", c, r.Groups[0].Block.Func, want)
		}
	}
}

func TestWriteDirConcurrentGoroutines(t *testing.T) {
	dir := t.TempDir()
	const writers = 6
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() { errs <- runWriter(dir, w) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	checkWriters(t, dir, writers, true)
}

// The environment that turns a re-executed test binary into one writer.
const (
	envWriterDir  = "LEAKHOUND_TEST_WRITER_DIR"
	envWriterID   = "LEAKHOUND_TEST_WRITER_ID"
	envWriterMode = "LEAKHOUND_TEST_WRITER_MODE" // "" or "rerun"
)

// rerunPackage is what a "rerun" writer process writes: ID reports for
// it, named after the run, and one report for a package of its own.
const rerunPackage = "example.com/rerun"

func runRerunWriter(dir string, run int) error {
	var reports []*report.Report
	for i := range run {
		reports = append(reports, leakReport(rerunPackage, fmt.Sprintf("rerun.run%d_%d", run, i), 1, fmt.Sprintf("TestRun%d", run)))
		if err := WriteDir(dir, rerunPackage, reports[i:]); err != nil {
			return err
		}
	}
	own := fmt.Sprintf("example.com/run%d", run)
	return WriteDir(dir, own, []*report.Report{leakReport(own, own+".f", 1, "TestOwn")})
}

// runWriterProcess returns the command that runs the test binary again
// as a writer in the given mode.
func runWriterProcess(t *testing.T, dir, mode string, id int) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skip("cannot find the test binary:", err)
	}
	cmd := exec.Command(exe, "-test.run=^TestWriteDirWriterProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), envWriterDir+"="+dir, envWriterID+"="+strconv.Itoa(id), envWriterMode+"="+mode)
	return cmd
}

// TestWriteDirWriterProcess is not a test on its own: TestWriteDirProcesses
// runs the test binary again with this test selected to get a writer in
// another process.
func TestWriteDirWriterProcess(t *testing.T) {
	dir := os.Getenv(envWriterDir)
	if dir == "" {
		t.Skip("run by TestWriteDirProcesses")
	}
	id, err := strconv.Atoi(os.Getenv(envWriterID))
	if err != nil {
		t.Fatal(err)
	}
	run := runWriter
	if os.Getenv(envWriterMode) == "rerun" {
		run = runRerunWriter
	}
	if err := run(dir, id); err != nil {
		t.Fatal(err)
	}
}

// TestWriteDirNewRunReplaces runs the tests "again": a second process's
// reports replace the first one's for the same package instead of piling
// up, and packages only the first run wrote stay.
func TestWriteDirNewRunReplaces(t *testing.T) {
	if os.Getenv(envWriterDir) != "" {
		t.Skip("inside a writer process")
	}
	dir := t.TempDir()
	for _, run := range []int{3, 2} {
		if out, err := runWriterProcess(t, dir, "rerun", run).CombinedOutput(); err != nil {
			t.Fatalf("run %d: %v\n%s", run, err, out)
		}
	}
	s := readDirState(t, dir)
	s.checkConsistent(t)
	d := s.docs[rerunPackage]
	if d == nil || len(d.Reports) != 2 || d.Reports[0].Title != "TestRun2" || d.Reports[1].Title != "TestRun2" {
		t.Fatalf("%s holds %+v, want only the second run's 2 reports", rerunPackage, d)
	}
	if s.docs["example.com/run3"] == nil || s.docs["example.com/run2"] == nil {
		t.Error("a package of the first run was lost")
	}
}

// TestWriteDirProcesses runs writers in separate processes at once, as
// `go test ./...` runs test binaries: nothing may be lost or mixed.
func TestWriteDirProcesses(t *testing.T) {
	if os.Getenv(envWriterDir) != "" {
		t.Skip("inside a writer process")
	}
	dir := t.TempDir()
	const writers = 8
	cmds := make([]*exec.Cmd, writers)
	outs := make([]strings.Builder, writers)
	for w := range writers {
		cmd := runWriterProcess(t, dir, "", w)
		cmd.Stdout, cmd.Stderr = &outs[w], &outs[w]
		cmds[w] = cmd
	}
	start := time.Now()
	for w, cmd := range cmds {
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting writer %d: %v", w, err)
		}
	}
	for w, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("writer %d: %v\n%s", w, err, outs[w].String())
		}
	}
	t.Logf("%d writer processes × %d packages × %d calls took %v", writers, len(writerPackages(0)), writerCalls, time.Since(start))
	checkWriters(t, dir, writers, false)
}
