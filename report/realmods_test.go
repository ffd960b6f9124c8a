package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// realModCases are leaks planted in real open-source modules through their
// own constructors, with the root cause and the fix worked out from the
// module's code. Each dump's frames read PLACEHOLDER/ for the copy of the
// module's package under testdata/realmods/DIR/src.
var realModCases = []struct {
	name, dir, dump, placeholder string
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
		placeholder: "OTEL/", pattern: PatternNeverClosed,
		summary: []string{"nothing called (*batchSpanProcessor).Shutdown (batch_span_processor.go:162)", "stopCh"},
		fix:     []string{"Shutdown(ctx)", "TracerProvider", "t.Cleanup(func() {", "Shutdown(context.Background())"},
	},
}

func TestRealModules(t *testing.T) {
	for _, tt := range realModCases {
		t.Run(tt.name, func(t *testing.T) {
			src, err := filepath.Abs(filepath.Join("testdata", "realmods", tt.dir, "src"))
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(filepath.Join("testdata", "realmods", tt.dir, tt.dump))
			if err != nil {
				t.Fatal(err)
			}
			snap, err := profile.ParseBytes(bytes.ReplaceAll(data, []byte(tt.placeholder), []byte(src+"/")))
			if err != nil {
				t.Fatal(err)
			}
			var leaks []Leak
			for _, g := range snap.Goroutines {
				leaks = append(leaks, Leak{Goroutine: g})
			}
			r := New(leaks, Options{ModuleRoot: src})
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
			for _, c := range contradictions(g) {
				t.Errorf("contradicted claim: %s\n%s", c, d.Summary)
			}
			var buf bytes.Buffer
			if err := r.WriteText(&buf); err != nil {
				t.Fatal(err)
			}
			t.Logf("\n%s", buf.String())
		})
	}
}
