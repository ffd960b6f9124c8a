package leakcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/testenv"
)

// What the explanation adds to a failing Check on a real module, the way a
// user meets it: a scratch copy of go.opentelemetry.io/otel/sdk (the
// module cache's, its replace directives dropped) requires this leakhound,
// and a test of its trace package forgets a TracerProvider's Shutdown.
// Each iteration runs the test binary twice, as `go test` would run it
// (a process of its own, in the package's directory, the build cache
// warm): once as is, and once with NoSource, which reads no source and
// explains nothing beyond the stack. The difference of the two, paired
// within the iteration, is what the explanation costs: the type check of
// the package under test (its go list calls, the parse and the check of
// its files with their tests) and the facts and edits. The first run of
// each binary, outside the timing, is what warms the go list and export
// data caches, as a user's earlier `go test` of the package would.

// otelSDK is the module the benchmark copies, at the version the real
// module tests use.
const otelSDK = "go.opentelemetry.io/otel/sdk@v1.47.0"

// plantedTracerLeak is the test added to the copy's trace package.
const plantedTracerLeak = `package trace

import (
	"context"
	"flag"
	"testing"

	"github.com/leakhound/leakhound/leakcheck"
)

var plantedNoSource = flag.Bool("nosource", false, "check with leakcheck.NoSource")

type plantedExporter struct{}

func (plantedExporter) ExportSpans(context.Context, []ReadOnlySpan) error { return nil }
func (plantedExporter) Shutdown(context.Context) error                    { return nil }

func TestPlantedLeak(t *testing.T) {
	var opts []leakcheck.Option
	if *plantedNoSource {
		opts = append(opts, leakcheck.NoSource())
	}
	leakcheck.Check(t, opts...)
	tp := NewTracerProvider(WithBatcher(plantedExporter{}))
	_, span := tp.Tracer("test").Start(context.Background(), "op")
	span.End()
	if err := tp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
}
`

// BenchmarkExplainRealModule reports, per iteration, the failing check's
// process with the explanation (explained-s/op), without it
// (nosource-s/op), and their difference (explain-s/op), for the test
// binary built as go test builds it and with -race.
func BenchmarkExplainRealModule(b *testing.B) {
	goCmd := testenv.GoCommand(b)
	dir := otelCopy(b, goCmd)
	pkg := filepath.Join(dir, "trace")
	for _, build := range []struct{ name, flag string }{{"go test", ""}, {"go test -race", "-race"}} {
		b.Run(build.name, func(b *testing.B) {
			bin := filepath.Join(b.TempDir(), "trace.test")
			args := []string{"test", "-c", "-o", bin}
			if build.flag != "" {
				args = append(args, build.flag)
			}
			goRun(b, pkg, goCmd, append(args, ".")...)
			// Warm what a user's earlier run of the package would have.
			failingCheck(b, pkg, bin, false)
			failingCheck(b, pkg, bin, true)
			b.ReportAllocs()
			var explained, nosource time.Duration
			for b.Loop() {
				explained += failingCheck(b, pkg, bin, false)
				nosource += failingCheck(b, pkg, bin, true)
			}
			n := float64(b.N)
			b.ReportMetric(explained.Seconds()/n, "explained-s/op")
			b.ReportMetric(nosource.Seconds()/n, "nosource-s/op")
			b.ReportMetric((explained-nosource).Seconds()/n, "explain-s/op")
		})
	}
}

// failingCheck runs the planted test once and returns its wall time; it
// fails b unless the test failed with the leak reported, and, explained,
// with the Shutdown call the edit names.
func failingCheck(b *testing.B, pkg, bin string, noSource bool) time.Duration {
	b.Helper()
	args := []string{"-test.run", "^TestPlantedLeak$", "-test.count", "1"}
	if noSource {
		args = append(args, "-nosource")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = pkg
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !strings.Contains(out.String(), "1 goroutine leaked") {
		b.Fatalf("the planted leak did not fail its test (%v):\n%s", err, out.String())
	}
	if want := "planted_leak_test.go:25  + t.Cleanup(func() { tp.Shutdown(context.Background()) })"; !noSource && !strings.Contains(out.String(), want) {
		b.Fatalf("the explanation does not end in %q:\n%s", want, out.String())
	}
	return took
}

// otelCopy writes a scratch copy of the otel sdk module that requires this
// leakhound, with the planted test in its trace package; it skips b when
// the module cannot be had.
func otelCopy(b *testing.B, goCmd string) string {
	b.Helper()
	root, err := exec.Command(goCmd, "env", "GOMOD").Output()
	if err != nil {
		b.Fatal(err)
	}
	dl, err := exec.Command(goCmd, "mod", "download", "-json", otelSDK).Output()
	if err != nil {
		b.Skipf("cannot have %s: %v", otelSDK, err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(dl, &mod); err != nil || mod.Dir == "" {
		b.Fatalf("go mod download %s: %v\n%s", otelSDK, err, dl)
	}
	dir := filepath.Join(b.TempDir(), "sdk")
	if err := os.CopyFS(dir, os.DirFS(mod.Dir)); err != nil {
		b.Fatal(err)
	}
	// The module's replace directives point into otel's repository, which
	// the copy does not have: its requirements come from the proxy instead.
	edit, err := exec.Command(goCmd, "mod", "edit", "-json", filepath.Join(dir, "go.mod")).Output()
	if err != nil {
		b.Fatal(err)
	}
	var gomod struct {
		Replace []struct{ Old struct{ Path string } }
	}
	if err := json.Unmarshal(edit, &gomod); err != nil {
		b.Fatal(err)
	}
	args := []string{"mod", "edit", "-require=github.com/leakhound/leakhound@v0.0.0",
		"-replace=github.com/leakhound/leakhound=" + filepath.Dir(strings.TrimSpace(string(root)))}
	for _, r := range gomod.Replace {
		args = append(args, "-dropreplace="+r.Old.Path)
	}
	goRun(b, dir, goCmd, args...)
	if err := os.WriteFile(filepath.Join(dir, "trace", "planted_leak_test.go"), []byte(plantedTracerLeak), 0o644); err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(goCmd, "mod", "tidy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Skipf("cannot resolve %s's requirements: %v\n%s", otelSDK, err, out)
	}
	return dir
}

// goRun runs the go command in dir, failing b with its output if it fails.
func goRun(b *testing.B, dir, goCmd string, args ...string) {
	b.Helper()
	cmd := exec.Command(goCmd, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
