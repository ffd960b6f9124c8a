package fixrun

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/fixrun/fixture"
	"github.com/leakhound/leakhound/internal/testenv"
	"github.com/leakhound/leakhound/reportdir"
)

// exampleTarget is the test added to each example of a copy of the
// module: it runs the leaky version's steps under leakcheck.Check and
// never releases what they leave, as a user's leaking test would. The
// servers and workers a scenario sets the stage with (those its Keep
// rejects) are not the lesson and are not checked.
const exampleTarget = `package %s

import (
	"testing"

	"github.com/leakhound/leakhound/leakcheck"
	"github.com/leakhound/leakhound/profile"
)

func TestFixTarget(t *testing.T) {
	s := Scenario()
	if s.Keep != nil {
		leakcheck.Check(t, leakcheck.IgnoreGoroutine(func(g *profile.Goroutine) bool { return !s.Keep(g) }))
	} else {
		leakcheck.Check(t)
	}
	run := s.Leak
	if s.Edited != nil {
		run = s.Edited
	}
	if _, err := run(); err != nil {
		t.Fatal(err)
	}
}
`

// exampleRun runs the target and every test of the example but those
// that assert the leaky version leaks (TestLeaky…), which a fix of the
// leak must make fail.
const exampleRun = "^Test([^L]|L[^e])"

// TestFixExamples runs fix on every leaky example of a copy of the module
// and checks what BENCHMARKS.md quotes: at least 8 of the 10 get a
// verified patch; each patch, printed by WriteDiff and applied with git
// apply to a fresh copy, and each file written by Write, leaves the
// example's tests passing with no leak. It takes minutes, so it runs only
// with LEAKHOUND_FIX_EXAMPLES=1.
func TestFixExamples(t *testing.T) {
	if os.Getenv("LEAKHOUND_FIX_EXAMPLES") == "" {
		t.Skip("set LEAKHOUND_FIX_EXAMPLES=1 to run leakhound fix on every example (minutes)")
	}
	goCmd := testenv.GoCommand(t)
	root := fixture.Root(t, goCmd)
	names, err := filepath.Glob(filepath.Join(root, "examples", "*", "scenario.go"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no examples under %s: %v", root, err)
	}
	written := copyModule(t, root) // fix -w writes here
	applied := copyModule(t, root) // the -diff is applied here with git apply
	var verified, total int
	var table []string
	for _, n := range names {
		name := filepath.Base(filepath.Dir(n))
		for _, dir := range []string{written, applied} {
			if err := os.WriteFile(filepath.Join(dir, "examples", name, "fixtarget_test.go"), fmt.Appendf(nil, exampleTarget, name), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		total++
		res, err := Run(context.Background(), Options{Dir: written, Packages: []string{"./examples/" + name}, Run: exampleRun})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var text bytes.Buffer
		res.WriteText(&text)
		t.Logf("%s:\n%s", name, text.String())
		if len(res.Groups) == 0 {
			t.Errorf("%s: the target test leaked nothing fix could see", name)
			continue
		}
		state := "no verified fix"
		if len(res.Unverified()) == 0 {
			verified++
			state = "verified"
			checkPatch(t, goCmd, res, written, applied, name)
		}
		table = append(table, fmt.Sprintf("%-15s %-16s %3d runs %6.1fs", name, state, res.Runs, res.Elapsed.Seconds()))
	}
	t.Logf("%d of %d examples get a verified patch\n%s", verified, total, strings.Join(table, "\n"))
	if verified < 8 {
		t.Errorf("%d of %d examples get a verified patch, want at least 8", verified, total)
	}
}

// checkPatch applies res's verified patch two ways, as -diff prints it
// with git apply in applied and as -w writes it in written, and checks
// that in both the example's tests then pass with no leak reported.
func checkPatch(t *testing.T, goCmd string, res *Result, written, applied, name string) {
	t.Helper()
	var diff bytes.Buffer
	if err := res.WriteDiff(&diff); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	cmd := exec.Command("git", "apply", "-")
	cmd.Dir, cmd.Stdin = applied, bytes.NewReader(diff.Bytes())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s: git apply does not take the verified patch: %v\n%s\n%s", name, err, out, diff.String())
	}
	files, err := res.Write(context.Background())
	if err != nil || len(files) == 0 {
		t.Errorf("%s: writing the verified edits: %v (%d files)", name, err, len(files))
	}
	for _, dir := range []string{applied, written} {
		if why := testsPassWithoutLeak(t, goCmd, dir, "./examples/"+name, exampleRun); why != "" {
			t.Errorf("%s: with the verified patch applied in %s: %s\n%s", name, dir, why, diff.String())
		}
	}
}

// testsPassWithoutLeak runs pkg's tests matching run in dir three times
// with leak reports on; it says what went wrong, "" when they passed with
// no leak reported.
func testsPassWithoutLeak(t *testing.T, goCmd, dir, pkg, run string) string {
	t.Helper()
	reports := t.TempDir()
	cmd := exec.Command(goCmd, "test", "-count=3", "-run", run, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=", reportdir.Env+"="+reports)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Sprintf("go test: %v\n%s", err, out)
	}
	docs, err := readDocs(reports)
	if err != nil {
		return err.Error()
	}
	if len(docs) > 0 {
		return fmt.Sprintf("the tests still report a leak (%d report files)", len(docs))
	}
	return ""
}

// copyModule copies the module's Go files and go.mod/go.sum into a
// temporary directory (no .git: the copy is not a repository, so -w
// does not look for uncommitted changes).
func copyModule(t *testing.T, root string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if d.Name() == ".git" || d.Name() == "testdata" && rel != "." {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !strings.HasSuffix(path, ".go") && d.Name() != "go.mod" && d.Name() != "go.sum" && !strings.HasSuffix(path, ".tmpl") &&
			!strings.HasSuffix(path, ".css") && !strings.HasSuffix(path, ".js") && !strings.HasSuffix(path, ".txt") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
