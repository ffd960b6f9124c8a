package leakcheck

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/testenv"
)

// A real leak from the Go toolchain's leak corpus, run under Check: grpc
// issue 3017 as reduced by the GoKer benchmark (Institute of Computing
// Technology and UNSW; MIT licence). The kernel is the copy the explain
// package's GoKer tests read (explain/testdata/goker/src/grpc3017.go); this
// test builds it into a test of its own, in a module that requires this
// tree's leakcheck. Its leaked goroutines are started by time.AfterFunc,
// so they carry no label and no creator: the check must still find them.

// gokerKernel is the shared copy of the kernel this test runs.
var gokerKernel = filepath.Join("..", "explain", "testdata", "goker", "src", "grpc3017.go")

// gokerTest runs the kernel under Check, then lets the clients run into
// the bug, as the corpus's harness does. After the check's verdict it
// counts, itself, the timer callbacks stuck on the lock (the witness), so
// the test can tell a missed leak from a run where the kernel's bug did
// not happen.
const gokerTest = `package main

import (
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/leakcheck"
	"github.com/leakhound/leakhound/profile"
)

// register is the corpus harness's; the test calls the kernel itself.
func register(string, func()) {}

func TestGrpc3017(t *testing.T) {
	// Registered before Check, so it runs after the check's cleanup.
	t.Cleanup(func() { t.Logf("` + grpc3017Witness + `%d", stuck()) })
	leakcheck.Check(t, leakcheck.SettleBudget(2*time.Second))
	Grpc3017()
	time.Sleep(100 * time.Millisecond)
}

// stuck counts the timer callbacks blocked in RemoveSubConn's closure, -1
// when the goroutines cannot be listed.
func stuck() int {
	s, err := profile.Capture()
	if err != nil {
		return -1
	}
	n := 0
	for _, g := range s.Goroutines {
		if g.State == "running" || g.State == "runnable" {
			continue
		}
		for _, f := range g.Frames {
			if strings.HasSuffix(f.Func, ").RemoveSubConn.func1") {
				n++
				break
			}
		}
	}
	return n
}
`

// grpc3017Witness starts the line on which the kernel's test says how many
// timer callbacks it saw stuck.
const grpc3017Witness = "grpc3017 witness, callbacks stuck: "

// kernelWithoutProfile returns the kernel's source without the statements
// that write the runtime's goroutineleak profile (the corpus's harness
// reads it; the profile does not exist on every runtime leakcheck
// supports): every statement of the kernel's functions that names prof.
func kernelWithoutProfile(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "grpc3017.go", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	namesProf := func(n ast.Node) bool {
		found := false
		ast.Inspect(n, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && id.Name == "prof" {
				found = true
			}
			return !found
		})
		return found
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		kept := fn.Body.List[:0]
		for _, s := range fn.Body.List {
			if !namesProf(s) {
				kept = append(kept, s)
			}
		}
		fn.Body.List = kept
	}
	var out bytes.Buffer
	if err := format.Node(&out, fset, f); err != nil {
		return nil, err
	}
	// The imports only the profile used.
	s := strings.NewReplacer("\t\"os\"\n", "", "\t\"runtime/pprof\"\n", "").Replace(out.String())
	return []byte(s), nil
}

// TestCheckFindsGrpc3017 requires Check to fail the kernel's test, naming
// the timer callbacks stuck on the lock, in every run.
func TestCheckFindsGrpc3017(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the kernel into a module of its own and runs it three times")
	}
	// It waits for the go command and its child processes, and looks at no
	// goroutine of this process: it can wait beside other such tests.
	t.Parallel()
	src, err := os.ReadFile(gokerKernel)
	if err != nil {
		t.Fatal(err)
	}
	kernel, err := kernelWithoutProfile(src)
	if err != nil {
		t.Fatalf("%s: %v", gokerKernel, err)
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	files := map[string]string{
		"go.mod":           "module example.com/goker\n\ngo 1.26\n\nrequire github.com/leakhound/leakhound v0.0.0\n\nreplace github.com/leakhound/leakhound => " + filepath.ToSlash(repo) + "\n",
		"grpc3017.go":      string(kernel),
		"grpc3017_test.go": gokerTest,
	}
	if sum, err := os.ReadFile(filepath.Join(repo, "go.sum")); err == nil {
		files["go.sum"] = string(sum)
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(mod, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(mod, "goker.test")
	build := exec.Command(testenv.GoCommand(t), "test", "-c", "-o", bin, ".")
	build.Dir = mod
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the kernel's test: %v\n%s", err, out)
	}
	triggered := 0
	for run := range 3 {
		cmd := exec.Command(bin, "-test.run=^TestGrpc3017$", "-test.v")
		cmd.Dir = mod
		outb, err := cmd.CombinedOutput()
		out := string(outb)
		_, after, ok := strings.Cut(out, grpc3017Witness)
		digits, _, _ := strings.Cut(after, "\n")
		stuck, serr := strconv.Atoi(strings.TrimSpace(digits))
		switch {
		case !ok || serr != nil || stuck < 0:
			t.Fatalf("run %d: the kernel's test did not count the stuck callbacks (%v):\n%s", run+1, err, out)
		case stuck == 0:
			t.Logf("run %d: the kernel's bug did not happen (no callback stuck)", run+1)
			continue
		}
		triggered++
		// Failing the test, not merely shown as a goroutine no test can
		// be tied to: the test ran alone.
		if err == nil || !strings.Contains(out, "RemoveSubConn.func1") || strings.Contains(out, "started outside any test's goroutines") {
			t.Fatalf("run %d: %d timer callbacks stuck on the lock were not reported (%v):\n%s", run+1, stuck, err, out)
		}
	}
	if triggered == 0 {
		t.Skip("the kernel's bug did not happen in any run: nothing to check")
	}
}
