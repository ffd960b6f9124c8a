package leakcheck

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkProvenVerdict is the time from the end of a leaking test to its
// verdict when the runtime can prove the leak (Go 1.27, or Go 1.26 with
// GOEXPERIMENT=goroutineleakprofile; elsewhere it is the settle budget):
//
//   - leaked=50000: the test leaks 50,000 goroutines. They can never be
//     released, so run it with -benchtime 1x, one process per sample
//     (-count 1, repeated), or later samples see the earlier leaks too.
//   - background=10000: the test leaks one goroutine while 10,000
//     goroutines of other tests run (released at the end).
func BenchmarkProvenVerdict(b *testing.B) {
	b.Run("leaked=50000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			benchVerdict(b, 50000)
		}
	})
	b.Run("background=10000", func(b *testing.B) {
		background(b, 10000)
		b.ReportAllocs()
		for b.Loop() {
			benchVerdict(b, 1)
		}
	})
}

// benchVerdict runs one check of a test leaking n unreachable goroutines.
func benchVerdict(b *testing.B, n int) {
	b.StopTimer()
	ft := newFakeTB(b, "BenchmarkProvenVerdict")
	if check(ft, "example.com/pkg", []Option{NoSource()}) == nil {
		b.Fatal(ft.errorText())
	}
	for range n {
		leakUnreachable()
	}
	b.StartTimer()
	ft.runCleanups()
	if !ft.failed() {
		b.Fatal("the leak was not reported")
	}
	if want := fmt.Sprintf("%d goroutine", n); n > 1 && !strings.Contains(ft.errorText(), want) {
		b.Fatalf("the report does not count %d goroutines:\n%.2000s", n, ft.errorText())
	}
}
