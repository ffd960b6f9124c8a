package testenv

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ModuleCopy returns a writable copy of module@version, as the module
// proxy serves it, in a directory of t's: its own main module, so that
// what loads a package the way `go list` sees it (the explanation's type
// check, a judge) loads its packages, which it refuses to do in the module
// cache. The module's replace directives point into its repository, which
// the copy does not have: they are dropped, and its requirements resolved
// through the proxy again. files (paths relative to the module's root) are
// written into the copy, and the copy may require this leakhound (the
// module whose go.mod holds the running test's package), which it does
// through a replace directive when files import it. t is skipped when the
// module cannot be had.
func ModuleCopy(t testing.TB, goCmd, module string, files map[string]string) string {
	t.Helper()
	dl, err := exec.Command(goCmd, "mod", "download", "-json", module).Output()
	var mod struct{ Dir string }
	if err != nil || json.Unmarshal(dl, &mod) != nil || mod.Dir == "" {
		t.Skipf("cannot have %s: %v", module, err)
	}
	dir := filepath.Join(t.TempDir(), filepath.Base(strings.Split(module, "@")[0]))
	if err := os.CopyFS(dir, os.DirFS(mod.Dir)); err != nil {
		t.Fatal(err)
	}
	edit, err := exec.Command(goCmd, "mod", "edit", "-json", filepath.Join(dir, "go.mod")).Output()
	if err != nil {
		t.Fatal(err)
	}
	var gomod struct {
		Replace []struct{ Old struct{ Path string } }
	}
	if err := json.Unmarshal(edit, &gomod); err != nil {
		t.Fatal(err)
	}
	args := []string{"mod", "edit"}
	for _, r := range gomod.Replace {
		args = append(args, "-dropreplace="+r.Old.Path)
	}
	root, err := exec.Command(goCmd, "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	// Tidy drops the requirement when no file imports leakhound.
	args = append(args, "-require=github.com/leakhound/leakhound@v0.0.0",
		"-replace=github.com/leakhound/leakhound="+filepath.Dir(strings.TrimSpace(string(root))))
	GoIn(t, dir, goCmd, args...)
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(goCmd, "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cannot resolve %s's requirements: %v\n%s", module, err, out)
	}
	return dir
}

// GoIn runs the go command in dir, failing t with its output if it fails.
func GoIn(t testing.TB, dir, goCmd string, args ...string) {
	t.Helper()
	cmd := exec.Command(goCmd, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
