package fixrun

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeModule writes a module that requires this leakhound (through a
// replace directive) with the given files, and resolves its requirements
// from the module cache only. It skips when they are not there.
func writeModule(t *testing.T, goCmd, root string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	files["go.mod"] = "module example.com/fixture\n\ngo 1.26\n\nrequire github.com/leakhound/leakhound v0.0.0\n\n" +
		"replace github.com/leakhound/leakhound => " + filepath.ToSlash(root) + "\n"
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(goCmd, "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cannot resolve the fixture's requirements from the module cache: %v\n%s", err, out)
	}
	return dir
}

// leakySource is a function whose worker is left sending after a timeout:
// the report suggests a buffer of one, which fixes it.
const leakySource = `package %PKG%

import "time"

// First returns work's result, or false after wait.
func First(work func() int, wait time.Duration) (int, bool) {
	ch := make(chan int)
	go func() {
		ch <- work()
	}()
	select {
	case v := <-ch:
		return v, true
	case <-time.After(wait):
		return 0, false
	}
}
`

// leakyTest makes First time out and then lets the worker send.
const leakyTest = `package %PKG%

import (
	"testing"
	"time"

	"github.com/leakhound/leakhound/leakcheck"
)

func TestFirstTimesOut(t *testing.T) {
	leakcheck.Check(t)
	block := make(chan struct{})
	if _, ok := First(func() int { <-block; return 1 }, time.Millisecond); ok {
		t.Fatal("First answered before its work did")
	}
	close(block)
}

func TestFirstAnswers(t *testing.T) {
	if v, ok := First(func() int { return 7 }, time.Minute); !ok || v != 7 {
		t.Fatalf("First = %d, %v; want 7, true", v, ok)
	}
}
`

// noEditSource blocks in a select loop with no way out and no context in
// scope: the report suggests no edit, only the shape of one.
const noEditSource = `package %PKG%

// Loop batches what arrives on in until a stop that never comes.
func Loop(in <-chan int, out chan<- []int) {
	var batch []int
	for {
		select {
		case v := <-in:
			batch = append(batch, v)
		case out <- batch:
			batch = nil
		}
	}
}
`

const noEditTest = `package %PKG%

import (
	"testing"

	"github.com/leakhound/leakhound/leakcheck"
)

func TestLoop(t *testing.T) {
	leakcheck.Check(t)
	go Loop(make(chan int), make(chan []int))
}
`

// pkgFiles instantiates the templates for package pkg in directory pkg.
func pkgFiles(pkg string, files map[string]string) map[string]string {
	out := map[string]string{}
	for name, text := range files {
		out[pkg+"/"+name] = strings.ReplaceAll(text, "%PKG%", pkg)
	}
	return out
}
