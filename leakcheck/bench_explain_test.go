package leakcheck

import (
	"bytes"
	"errors"
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
	dir := testenv.ModuleCopy(b, goCmd, otelSDK, map[string]string{"trace/planted_leak_test.go": plantedTracerLeak})
	pkg := filepath.Join(dir, "trace")
	for _, build := range []struct{ name, flag string }{{"go test", ""}, {"go test -race", "-race"}} {
		b.Run(build.name, func(b *testing.B) {
			bin := filepath.Join(b.TempDir(), "trace.test")
			args := []string{"test", "-c", "-o", bin}
			if build.flag != "" {
				args = append(args, build.flag)
			}
			testenv.GoIn(b, pkg, goCmd, append(args, ".")...)
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
