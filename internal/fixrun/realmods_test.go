package fixrun

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/fixrun/fixture"
	"github.com/leakhound/leakhound/internal/testenv"
)

// realModCases plant a leak in a test of a module that uses a real
// library, the way explain/realmods_test.go does from dumps: a
// constructor whose background goroutine only its Stop or Shutdown ends,
// never called. fix must verify the call upstream documents.
var realModCases = []struct {
	name, require, test, want string
}{
	{
		name: "zap BufferedWriteSyncer never stopped", require: "go.uber.org/zap@v1.28.0", want: "ws.Stop()",
		test: `package fixture

import (
	"io"
	"testing"

	"github.com/leakhound/leakhound/leakcheck"
	"go.uber.org/zap/zapcore"
)

func TestSinkWrites(t *testing.T) {
	leakcheck.Check(t)
	ws := &zapcore.BufferedWriteSyncer{WS: zapcore.AddSync(io.Discard)}
	if _, err := ws.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
}
`,
	},
	{
		name: "otel TracerProvider never shut down", require: "go.opentelemetry.io/otel/sdk@v1.47.0", want: "tp.Shutdown(",
		test: `package fixture

import (
	"context"
	"testing"

	"github.com/leakhound/leakhound/leakcheck"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func TestSpanExported(t *testing.T) {
	leakcheck.Check(t)
	exp := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	_, span := tp.Tracer("test").Start(context.Background(), "op")
	span.End()
	if err := tp.ForceFlush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(exp.GetSpans()); got != 1 {
		t.Fatalf("%d spans exported, want 1", got)
	}
}
`,
	},
}

// TestFixRealModules runs fix on each planted leak and checks that the
// verified patch is the call the library expects; it logs runs and wall
// time (BENCHMARKS.md quotes them). The modules come through the module
// proxy; the test is skipped when they cannot be had.
func TestFixRealModules(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads modules, builds and runs test binaries")
	}
	goCmd := testenv.GoCommand(t)
	root := fixture.Root(t, goCmd)
	for _, tt := range realModCases {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			gomod := "module example.com/fixture\n\ngo 1.26\n\nrequire github.com/leakhound/leakhound v0.0.0\n\n" +
				"replace github.com/leakhound/leakhound => " + filepath.ToSlash(root) + "\n"
			for name, text := range map[string]string{"go.mod": gomod, "doc.go": "package fixture\n", "fixture_test.go": tt.test} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, args := range [][]string{{"get", tt.require}, {"mod", "tidy"}} {
				cmd := exec.Command(goCmd, args...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Skipf("cannot have %s: %v\n%s", tt.require, err, out)
				}
			}
			var progress bytes.Buffer
			res, err := Run(context.Background(), Options{Dir: dir, Packages: []string{"./..."}, Progress: &progress})
			if err != nil {
				t.Fatal(err)
			}
			var text, diff bytes.Buffer
			res.WriteText(&text)
			if err := res.WriteDiff(&diff); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d runs, %.1fs\n%s\n%s", res.Runs, res.Elapsed.Seconds(), text.String(), diff.String())
			if len(res.Groups) == 0 || len(res.Unverified()) > 0 {
				t.Fatalf("want every group verified:\n%s\n%s", text.String(), progress.String())
			}
			if !strings.Contains(diff.String(), tt.want) {
				t.Errorf("the verified patch does not call %s:\n%s", tt.want, diff.String())
			}
			if !strings.Contains(progress.String(), "candidate 1 of") {
				t.Errorf("no progress shown for the candidate:\n%s", progress.String())
			}
		})
	}
}
