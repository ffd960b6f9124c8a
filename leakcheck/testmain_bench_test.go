package leakcheck

import (
	"context"
	"runtime/pprof"
	"testing"
)

// BenchmarkTestNaming measures what VerifyTestMain's naming adds to each
// name match: reading the caller's frames to tell a top-level test's name
// match from a subtest's (here, the caller is no top-level loop, so the
// benchmark also notes a subtest), and labelling the goroutine that starts
// a top-level test.
func BenchmarkTestNaming(b *testing.B) {
	defer pprof.SetGoroutineLabels(context.Background())
	r := &testRuns{names: map[string]bool{"TestTiny": true}, subs: make(map[string]bool), baseCtx: labelContext(nil)}
	b.ReportAllocs()
	for b.Loop() {
		r.matched("TestTiny")
		pprof.SetGoroutineLabels(pprof.WithLabels(r.baseCtx, pprof.Labels(LabelKey, newLabelValue("TestTiny"))))
	}
}
