package reportdir

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/testenv"
)

// goTestModule is a small module whose packages leak on purpose, each
// test through leakcheck.Check, as a user's module would. want is what
// each package leaks: the report directory must hold exactly that.
var goTestModule = struct {
	files map[string]string
	want  map[string]int // goroutines by package
}{
	files: map[string]string{
		"alpha/alpha.go": `package alpha

// Wait blocks until v arrives on ch.
func Wait(ch chan int) int { return <-ch }
`,
		"alpha/alpha_test.go": `package alpha

import (
	"testing"
	"time"

	"github.com/leakhound/leakhound/leakcheck"
)

func TestOneReceiver(t *testing.T) {
	leakcheck.Check(t, leakcheck.SettleBudget(200*time.Millisecond))
	go Wait(make(chan int))
}

func TestTwoSenders(t *testing.T) {
	leakcheck.Check(t, leakcheck.SettleBudget(200*time.Millisecond))
	ch := make(chan int)
	for i := range 2 {
		go func() { ch <- i }()
	}
}

func TestClean(t *testing.T) {
	leakcheck.Check(t, leakcheck.SettleBudget(200*time.Millisecond))
	done := make(chan bool)
	go func() { done <- true }()
	<-done
}
`,
		"beta/beta_test.go": `package beta

import (
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/leakcheck"
)

func TestLockedOut(t *testing.T) {
	leakcheck.Check(t, leakcheck.SettleBudget(200*time.Millisecond))
	var mu sync.Mutex
	mu.Lock()
	for range 3 {
		go func() { mu.Lock() }()
	}
}
`,
		"delta/sub/sub_test.go": `package sub

import (
	"testing"
	"time"

	"github.com/leakhound/leakhound/leakcheck"
)

func TestForever(t *testing.T) {
	leakcheck.Check(t, leakcheck.SettleBudget(200*time.Millisecond))
	go func() { select {} }()
}
`,
		"gamma/gamma_test.go": `package gamma

import "testing"

func TestNothingLeaks(t *testing.T) {}
`,
	},
	want: map[string]int{
		"example.com/leaky/alpha":     3,
		"example.com/leaky/beta":      3,
		"example.com/leaky/delta/sub": 1,
	},
}

// TestGoTestReportDir runs `go test ./...` over a module of leaking
// packages with LEAKHOUND_REPORT set, the way a user turns reports on: the
// test binaries run in parallel processes, and the directory must hold
// every leak of every package, and an index that agrees.
func TestGoTestReportDir(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test on a generated module")
	}
	mod := writeModule(t, "example.com/leaky", goTestModule.files)
	reports := filepath.Join(t.TempDir(), "leaks")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, testenv.GoCommand(t), "test", "-count=1", "-p=4", "./...")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), Env+"="+reports, "GOFLAGS=-mod=mod", "GOWORK=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	t.Logf("go test ./... took %v", time.Since(start))
	// The leaking packages fail; anything else (a build error) is a
	// broken test setup.
	if _, ok := err.(*exec.ExitError); !ok || !strings.Contains(out.String(), "--- FAIL: TestOneReceiver") {
		t.Fatalf("go test ./... = %v, want leak failures:\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "writing report files") {
		t.Errorf("a package failed to write its report:\n%s", out.String())
	}

	s := readDirState(t, reports)
	s.checkConsistent(t)
	got := map[string]int{}
	for pkg, d := range s.docs {
		for _, r := range d.Reports {
			for _, g := range r.Groups {
				got[pkg] += g.Count
			}
		}
	}
	for pkg, n := range goTestModule.want {
		if got[pkg] != n {
			t.Errorf("report directory holds %d leaked goroutines of %s, the package leaked %d", got[pkg], pkg, n)
		}
	}
	for pkg := range got {
		if _, ok := goTestModule.want[pkg]; !ok {
			t.Errorf("report directory holds %s, which leaked nothing", pkg)
		}
	}
	for _, test := range []string{"TestOneReceiver", "TestTwoSenders", "TestLockedOut", "TestForever"} {
		if !strings.Contains(s.index, "<code>"+test+"</code>") {
			t.Errorf("index does not name %s", test)
		}
	}
	if strings.Contains(s.index, "TestClean") || strings.Contains(s.index, "TestNothingLeaks") {
		t.Error("index names a test that leaked nothing")
	}
	if t.Failed() {
		t.Logf("go test output:\n%s", out.String())
	}
}

// writeModule writes a module named path with files (name to source)
// into a temporary directory, requiring this repository's leakhound
// through a replace directive, and returns the directory.
func writeModule(t *testing.T, path string, files map[string]string) string {
	t.Helper()
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	mod := t.TempDir()
	gomod := "module " + path + "\n\ngo 1.26\n\nrequire github.com/leakhound/leakhound v0.0.0\n\nreplace github.com/leakhound/leakhound => " + filepath.ToSlash(repo) + "\n"
	all := map[string]string{"go.mod": gomod}
	for name, src := range files {
		all[name] = src
	}
	if sum, err := os.ReadFile(filepath.Join(repo, "go.sum")); err == nil {
		all["go.sum"] = string(sum)
	}
	for name, src := range all {
		writeFile(t, filepath.Join(mod, filepath.FromSlash(name)), src)
	}
	return mod
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
