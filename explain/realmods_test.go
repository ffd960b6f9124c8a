package explain

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/testenv"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// realModCases are leaks planted in real open-source modules through their
// own constructors, with the root cause and the fix worked out from the
// module's code. Each dump's frames read PLACEHOLDER/ for the copy of the
// module's package under testdata/realmods/DIR/src.
var realModCases = []struct {
	name, dir, dump, placeholder string
	// module is module@version, pkg the package's directory in it.
	module, pkg string
	// The expectations: the pattern, and fragments the summary and fix must
	// hold.
	pattern string
	summary []string
	fix     []string
}{
	{
		// go.opentelemetry.io/otel/sdk v1.47.0: NewTracerProvider(WithBatcher(exp)) without
		// tp.Shutdown. processQueue selects on a timer, the queue and bsp.stopCh; only
		// (*batchSpanProcessor).Shutdown closes stopCh, and (*TracerProvider).Shutdown calls it.
		name: "otel batch span processor without Shutdown", dir: "otelsdk-trace", dump: "processqueue.txt",
		module: "go.opentelemetry.io/otel/sdk@v1.47.0", pkg: "trace",
		placeholder: "OTEL/", pattern: report.PatternNeverClosed,
		summary: []string{"nothing called (*batchSpanProcessor).Shutdown (batch_span_processor.go:162)", "stopCh"},
		fix:     []string{"Shutdown(ctx)", "TracerProvider", "t.Cleanup(func() {", "Shutdown(context.Background())"},
	},
	{
		// go.uber.org/zap v1.28.0: a zapcore.BufferedWriteSyncer written to and never stopped.
		// flushLoop selects on its ticker and s.stop; only (*BufferedWriteSyncer).Stop closes
		// s.stop. The ticker case is not a way out, so "ticker loop with no stop" would be false.
		name: "zap buffered write syncer without Stop", dir: "zap-zapcore", dump: "flushloop.txt",
		module: "go.uber.org/zap@v1.28.0", pkg: "zapcore",
		placeholder: "ZAP/", pattern: report.PatternNeverClosed,
		summary: []string{"nothing called (*BufferedWriteSyncer).Stop (buffered_write_syncer.go:190)", "stop"},
		fix:     []string{"Stop()", "BufferedWriteSyncer", "t.Cleanup(func() {"},
	},
}

func TestRealModules(t *testing.T) {
	for _, tt := range realModCases {
		t.Run(tt.name, func(t *testing.T) {
			// A copy, not the module cache: the package under test is the
			// user's own, which the explanation and the judge type-check.
			src := filepath.Join(testenv.ModuleCopy(t, testenv.GoCommand(t), tt.module, nil), tt.pkg)
			data, err := os.ReadFile(filepath.Join("testdata", "realmods", tt.dir, tt.dump))
			if err != nil {
				t.Fatal(err)
			}
			snap, err := profile.ParseBytes(bytes.ReplaceAll(data, []byte(tt.placeholder), []byte(src+"/")))
			if err != nil {
				t.Fatal(err)
			}
			var leaks []report.Leak
			for _, g := range snap.Goroutines {
				leaks = append(leaks, report.Leak{Goroutine: g})
			}
			r := explained(leaks, report.Options{ModuleRoot: src}, Options{})
			if len(r.Groups) != 1 {
				t.Fatalf("%d groups, want 1", len(r.Groups))
			}
			g := r.Groups[0]
			d := g.Diagnosis
			if d.PatternID != tt.pattern {
				t.Errorf("pattern %s, want %s: %s", d.PatternID, tt.pattern, d.Summary)
			}
			for _, s := range tt.summary {
				if !strings.Contains(d.Summary, s) {
					t.Errorf("summary lacks %q:\n%s", s, d.Summary)
				}
			}
			for _, s := range tt.fix {
				if !strings.Contains(d.Fix, s) {
					t.Errorf("fix lacks %q:\n%s", s, d.Fix)
				}
			}
			for _, c := range contradictions(r, g) {
				t.Errorf("contradicted claim: %s\n%s", c, d.Summary)
			}
			if judgePackage(t, g.Block.File) == nil {
				t.Errorf("the judge cannot load %s", g.Block.File)
			}
			if v := judge(t, r, g); len(v.contradicted) > 0 {
				t.Errorf("the source contradicts %q\n%s", v.contradicted, d.Summary)
			}
			var buf bytes.Buffer
			if err := r.WriteText(&buf); err != nil {
				t.Fatal(err)
			}
			t.Logf("\n%s", buf.String())
		})
	}
}
