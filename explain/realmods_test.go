package explain

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/judge"
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
	// The expectations: the pattern ("" for any), and fragments the
	// summary and fix must hold.
	pattern string
	summary []string
	fix     []string
	// groups is how many groups the dump makes (1 when 0), each held to
	// the expectations; never are fragments neither summary nor fix may
	// hold.
	groups int
	never  []string
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
	{
		// github.com/go-co-op/gocron/v2 v2.21.2: NewScheduler and Start without Shutdown. The
		// scheduler's loop (NewScheduler.func1) selects on its channels and
		// s.shutdownCtx.Done(); the context's cancel is kept in s.shutdownCancel, which only
		// ShutdownWithContext calls (Shutdown calls that). The executor's loop waits for
		// e.stopCh, which stopScheduler sends on when that loop sees the shutdown. So both
		// end with Shutdown: the context is cancelled by code that exists, and the method a
		// user has is Shutdown, not the unexported stopScheduler.
		// The executor's group waits for the scheduler's loop (a victim, with its fix);
		// the loop's group waits for Shutdown (the owner never closed).
		name: "gocron scheduler without Shutdown", dir: "gocron", dump: "scheduler.txt",
		module: "github.com/go-co-op/gocron/v2@v2.21.2", pkg: ".",
		placeholder: "GOCRON/", groups: 2,
		fix:   []string{"call s.Shutdown()", "t.Cleanup(func() { s.Shutdown() })"},
		never: []string{"never cancelled", "stopScheduler()", "t.Context()"},
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
			if want := max(tt.groups, 1); len(r.Groups) != want {
				t.Fatalf("%d groups, want %d", len(r.Groups), want)
			}
			for _, g := range r.Groups {
				d := g.Diagnosis
				at := fmt.Sprintf("%s:%d", filepath.Base(g.Block.File), g.Block.Line)
				if tt.pattern != "" && d.PatternID != tt.pattern {
					t.Errorf("%s: pattern %s, want %s: %s", at, d.PatternID, tt.pattern, d.Summary)
				}
				for _, s := range tt.summary {
					if !strings.Contains(d.Summary, s) {
						t.Errorf("%s: summary lacks %q:\n%s", at, s, d.Summary)
					}
				}
				for _, s := range tt.fix {
					if !strings.Contains(d.Fix, s) {
						t.Errorf("%s: fix lacks %q:\n%s", at, s, d.Fix)
					}
				}
				for _, s := range tt.never {
					if strings.Contains(d.Summary, s) || strings.Contains(d.Fix, s) {
						t.Errorf("%s: says %q:\n%s\n%s", at, s, d.Summary, d.Fix)
					}
				}
				for _, c := range contradictions(r, g) {
					t.Errorf("%s: contradicted claim: %s\n%s", at, c, d.Summary)
				}
				if judge.Load(t, g.Block.File) == nil {
					t.Errorf("the judge cannot load %s", g.Block.File)
				}
				if v := judge.Judge(t, r, g); len(v.Contradicted) > 0 {
					t.Errorf("%s: the source contradicts %q\n%s", at, v.Contradicted, d.Summary)
				}
			}
			var buf bytes.Buffer
			if err := r.WriteText(&buf); err != nil {
				t.Fatal(err)
			}
			t.Logf("\n%s", buf.String())
		})
	}
}
