package adopt

import (
	"bytes"
	"go/format"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// leakhoundRoot is the source directory of this module, which the fixture
// module builds its checks from.
func leakhoundRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// copyShop copies testdata/shop, a module of four packages: cart (clean),
// fetch (a leak, external test package), store (its own TestMain with
// setup and teardown, and a leak), nottest (no tests).
func copyShop(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir("testdata/shop", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata/shop", path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		return copyFile(path, filepath.Join(dir, rel))
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// tree returns every file under dir with its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		files[path] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// The leaks the shop's tests plant, and what a run must say of them.
var shopLeaks = []string{
	"TestFirstMirror", // fetch: external test package, no TestMain
	"TestWatch",       // store: its own TestMain
	"goroutines left running by the tests of example.com/shop/fetch",
	"goroutines left running by the tests of example.com/shop/store",
	"store: teardown ran",         // the package's TestMain still runs around the tests
	"ok  \texample.com/shop/cart", // the clean package passes
}

// TestTestRunsEveryPackage runs "leakhound test" on the shop module, which
// does not require leakhound: every package with tests is checked, the
// planted leaks are named with their tests, the merged report is written,
// and no file of the module changes.
func TestTestRunsEveryPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module's tests")
	}
	dir := copyShop(t)
	before := tree(t, dir)
	out := filepath.Join(t.TempDir(), "report")
	var stdout, stderr bytes.Buffer
	code, err := Test(TestOptions{
		Dir: dir, Args: []string{"-v", "./..."}, ReportDir: out, Source: leakhoundRoot(t),
		Env: os.Environ(), Stdout: &stdout, Stderr: &stderr,
	})
	if err != nil {
		t.Fatalf("Test: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	all := stdout.String() + stderr.String()
	if code != 1 {
		t.Errorf("exit code %d, want go test's 1 for failing packages\n%s", code, all)
	}
	for _, want := range append(shopLeaks,
		"leakhound test: 3 of 3 packages with tests checked for leaks (1 through its own TestMain)",
		"example.com/shop/fetch: 1 goroutine from TestFirstMirror",
		"example.com/shop/store: 1 goroutine from TestWatch",
		"leakhound test: 2 goroutines leaked in 2 packages",
	) {
		if !strings.Contains(all, want) {
			t.Errorf("the output does not say %q:\n%s", want, all)
		}
	}
	for _, name := range []string{"index.html", "leakhound.json", "leakhound.pb.gz", "pkg-example.com_shop_fetch.html", "pkg-example.com_shop_store.json"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("the merged report lacks %s: %v", name, err)
		}
	}
	after := tree(t, dir)
	for path, content := range before {
		if after[path] != content {
			t.Errorf("%s changed", path)
		}
	}
	for path := range after {
		if _, ok := before[path]; !ok {
			t.Errorf("%s was created", path)
		}
	}
}

// TestInitMakesItPermanent writes the checks into the shop module with
// Write (what "leakhound init" does): plain go test then fails for the
// same leaks, the files are gofmt'd, and a second run changes nothing.
func TestInitMakesItPermanent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module's tests")
	}
	dir := copyShop(t)
	gomod := exec.Command("go", "mod", "edit", "-require="+ModulePath+"@v0.0.0", "-replace="+ModulePath+"="+leakhoundRoot(t))
	gomod.Dir = dir
	if out, err := gomod.CombinedOutput(); err != nil {
		t.Fatalf("go mod edit: %v\n%s", err, out)
	}
	plan := func() []Plan {
		pkgs, err := List(dir, nil, []string{"./..."})
		if err != nil {
			t.Fatal(err)
		}
		plans, err := PlanAll(pkgs)
		if err != nil {
			t.Fatal(err)
		}
		return plans
	}
	written, err := Write(plan())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		filepath.Join(dir, "cart", FileName),
		filepath.Join(dir, "fetch", FileName),
		filepath.Join(dir, "store", FileName),
		filepath.Join(dir, "store", "main_test.go"),
	}
	if strings.Join(written, "\n") != strings.Join(want, "\n") {
		t.Errorf("init wrote\n%s\nwant\n%s", strings.Join(written, "\n"), strings.Join(want, "\n"))
	}
	for _, path := range written {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if f, err := format.Source(b); err != nil || !bytes.Equal(f, b) {
			t.Errorf("%s is not gofmt'd (%v):\n%s", path, err, b)
		}
	}
	if again, err := Write(plan()); err != nil || len(again) > 0 {
		t.Errorf("a second init wrote %v (%v), want nothing", again, err)
	}

	cmd := exec.Command("go", "test", "-mod=mod", "-count=1", "-v", "./...")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Errorf("go test passed a module with leaks:\n%s", out)
	}
	for _, want := range shopLeaks {
		if !strings.Contains(string(out), want) {
			t.Errorf("go test's output does not say %q:\n%s", want, out)
		}
	}
}

// TestPlanPackage covers the shapes of a package's TestMain.
func TestPlanPackage(t *testing.T) {
	tests := []struct {
		name        string
		files       map[string]string
		wantHow     string
		wantChecked bool
		wantChanges []string // base names
		wantInEdit  string   // in the edited TestMain file
	}{
		{
			name:        "no TestMain",
			files:       map[string]string{"a_test.go": "package p\n"},
			wantHow:     howAdded,
			wantChecked: true,
			wantChanges: []string{FileName},
		},
		{
			name:        "own TestMain with setup and os.Exit",
			files:       map[string]string{"main_test.go": "package p\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\nfunc TestMain(tm *testing.M) {\n\tsetup()\n\tos.Exit(tm.Run())\n}\n\nfunc setup() {}\n"},
			wantHow:     howWrapped + " (main_test.go)",
			wantChecked: true,
			wantChanges: []string{FileName, "main_test.go"},
			wantInEdit:  "os.Exit(leakhoundRun(tm))",
		},
		{
			name:        "TestMain handing m to goleak.VerifyTestMain",
			files:       map[string]string{"main_test.go": "package p\n\nimport (\n\t\"testing\"\n\n\t\"go.uber.org/goleak\"\n)\n\nfunc TestMain(m *testing.M) {\n\tgoleak.VerifyTestMain(m, goleak.IgnoreCurrent())\n}\n"},
			wantHow:     howWrapped + " (main_test.go)",
			wantChecked: true,
			wantChanges: []string{FileName, "main_test.go"},
			wantInEdit:  "goleak.VerifyTestMain(leakhoundM{m}, goleak.IgnoreCurrent())",
		},
		{
			name:        "TestMain calling leakcheck.VerifyTestMain",
			files:       map[string]string{"main_test.go": "package p\n\nimport (\n\t\"testing\"\n\n\tlc \"" + LeakcheckPath + "\"\n)\n\nfunc TestMain(m *testing.M) { lc.VerifyTestMain(m) }\n"},
			wantHow:     howAlready,
			wantChecked: true,
		},
		{
			name:    "TestMain that never calls m.Run",
			files:   map[string]string{"main_test.go": "package p\n\nimport \"testing\"\n\nfunc TestMain(m *testing.M) { run(m) }\n\nfunc run(m *testing.M) {}\n"},
			wantHow: howNoRun,
		},
		{
			name:    "a foreign file of the generated name",
			files:   map[string]string{FileName: "package p\n\n// mine\n"},
			wantHow: howForeign,
		},
		{
			name:        "generated file present",
			files:       map[string]string{FileName: string(mainSource("p"))},
			wantHow:     howAlready,
			wantChecked: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := &Package{ImportPath: "example.com/p", Name: "p", Dir: dir, GoFiles: []string{"p.go"}}
			for name, src := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
				p.TestGoFiles = append(p.TestGoFiles, name)
			}
			pl, err := PlanPackage(p)
			if err != nil {
				t.Fatal(err)
			}
			var changes []string
			for _, c := range pl.Changes {
				changes = append(changes, filepath.Base(c.Path))
				if !c.Created && !strings.Contains(string(c.Content), tt.wantInEdit) {
					t.Errorf("the edit of %s lacks %q:\n%s", c.Path, tt.wantInEdit, c.Content)
				}
			}
			if pl.How != tt.wantHow || pl.Checked != tt.wantChecked || strings.Join(changes, ",") != strings.Join(tt.wantChanges, ",") {
				t.Errorf("plan = %q checked=%v changes=%v, want %q checked=%v changes=%v",
					pl.How, pl.Checked, changes, tt.wantHow, tt.wantChecked, tt.wantChanges)
			}
		})
	}
}

// TestSplitTestArgs tells go test's flag values from package patterns.
func TestSplitTestArgs(t *testing.T) {
	tests := []struct {
		args      []string
		wantBuild string
		wantPkgs  string
		wantErr   bool
	}{
		{nil, "", ".", false},
		{[]string{"-v", "./..."}, "", "./...", false},
		{[]string{"-run", "TestX", "-count", "2", "./a", "./b"}, "", "./a ./b", false},
		{[]string{"-tags", "integration", "-race", "./..."}, "-tags integration", "./...", false},
		{[]string{"-tags=x", "./...", "-args", "notapkg"}, "-tags=x", "./...", false},
		{[]string{"-overlay=o.json", "./..."}, "", "", true},
	}
	for _, tt := range tests {
		build, pkgs, err := splitTestArgs(tt.args)
		if (err != nil) != tt.wantErr {
			t.Errorf("splitTestArgs(%q) error %v, want error %v", tt.args, err, tt.wantErr)
			continue
		}
		if err == nil && (strings.Join(build, " ") != tt.wantBuild || strings.Join(pkgs, " ") != tt.wantPkgs) {
			t.Errorf("splitTestArgs(%q) = %q, %q; want %q, %q", tt.args, build, pkgs, tt.wantBuild, tt.wantPkgs)
		}
	}
}
