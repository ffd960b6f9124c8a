package leakcheck

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/reportdir"
)

// TestCheckReportDirFromEnv: LEAKHOUND_REPORT asks for report files as the
// ReportDir option does.
func TestCheckReportDirFromEnv(t *testing.T) {
	dir := t.TempDir()
	env := readEnvironment(lookupIn(map[string]string{reportdir.Env: dir}), nil, t.TempDir())
	ft, _ := startCheck(t, "TestReportDirFromEnv", SettleBudget(leakBudget), withEnvironment(env))
	p := park()
	ft.runCleanups()
	p.stop()
	names, err := readDirNames(dir)
	if err != nil || !strings.Contains(strings.Join(names, " "), "index.html") {
		t.Fatalf("report files in %s: %v (%v)", dir, names, err)
	}
}

// TestCheckAnnotatesOnGitHub: in GitHub Actions a leak is also written as
// an ::error annotation on standard output, its file named from the
// repository's root (GITHUB_WORKSPACE): here the module is taken to be in
// a subdirectory of the repository, the directory above the module root.
func TestCheckAnnotatesOnGitHub(t *testing.T) {
	root := moduleRoot()
	if root == "" {
		t.Skip("the module root is unknown")
	}
	wantFile := "file=" + filepath.Base(root) + "/leakcheck/check_test.go,"
	for _, onGitHub := range []bool{false, true} {
		t.Run(map[bool]string{false: "elsewhere", true: "github"}[onGitHub], func(t *testing.T) {
			env := readEnvironment(lookupIn(map[string]string{
				"GITHUB_ACTIONS":   map[bool]string{false: "", true: "true"}[onGitHub],
				"GITHUB_WORKSPACE": filepath.Dir(root),
			}), nil, "")
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			read := make(chan string)
			go func() {
				b, _ := io.ReadAll(r)
				read <- string(b)
			}()
			stdout := os.Stdout
			os.Stdout = w
			ft, _ := startCheck(t, "TestAnnotate", SettleBudget(leakBudget), withEnvironment(env))
			p := park()
			ft.runCleanups()
			os.Stdout = stdout
			w.Close()
			out := <-read
			r.Close()
			p.stop()
			if got := strings.Contains(out, "::error"); got != onGitHub {
				t.Fatalf("annotation written = %v, want %v; output:\n%s", got, onGitHub, out)
			}
			if onGitHub && !strings.Contains(out, wantFile) {
				t.Errorf("annotation does not name %q, relative to the repository:\n%s", wantFile, out)
			}
		})
	}
}
