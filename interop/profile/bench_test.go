package profile_test

import (
	"fmt"
	"math"
	"runtime"
	"runtime/metrics"
	"slices"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/leakhound/leakhound/internal/stacks"
	"github.com/leakhound/leakhound/profile"
)

// The capture benchmarks compare, at growing numbers of goroutines, the
// ways of looking at them: the bare runtime.Stack traceback (the floor any
// text-based capture pays), the clean-path check (CaptureAggregate and a
// label count), the full Capture, and goleak.Find. Each reports its
// allocations and the longest stop-the-world pause it caused (max-stw-ms),
// read from runtime/metrics: while the world is stopped, every goroutine of
// the program under test waits. BENCHMARKS.md has the numbers.

// benchSizes are the numbers of background goroutines each benchmark runs at.
var benchSizes = []int{10, 1_000, 10_000, 100_000}

// atEachSize runs bench as one sub-benchmark per size, with that many
// goroutines parked in the background, started once per size and released
// after it.
func atEachSize(b *testing.B, bench func(b *testing.B)) {
	for _, n := range benchSizes {
		release := make(chan struct{})
		var started, done sync.WaitGroup
		started.Add(n)
		done.Add(n)
		for range n {
			go func() {
				defer done.Done()
				benchParked(release, &started, 3)
			}()
		}
		started.Wait()
		b.Run(fmt.Sprintf("g=%d", n), bench)
		close(release)
		done.Wait()
	}
}

// benchParked parks a few frames deep, like a typical worker goroutine.
func benchParked(release <-chan struct{}, started *sync.WaitGroup, depth int) {
	if depth > 0 {
		benchParked(release, started, depth-1)
		return
	}
	started.Done()
	<-release
}

// stwPauses samples the runtime's histogram of non-GC stop-the-world pauses.
type stwPauses struct {
	sample []metrics.Sample
	before *metrics.Float64Histogram
}

const stwMetric = "/sched/pauses/total/other:seconds"

func startSTW() *stwPauses {
	p := &stwPauses{sample: []metrics.Sample{{Name: stwMetric}}}
	metrics.Read(p.sample)
	p.before = copyHistogram(p.sample[0].Value.Float64Histogram())
	return p
}

func copyHistogram(h *metrics.Float64Histogram) *metrics.Float64Histogram {
	return &metrics.Float64Histogram{Counts: append([]uint64(nil), h.Counts...), Buckets: h.Buckets}
}

// report adds max-stw-ms (upper bound of the highest histogram bucket that
// gained a pause) and stw-ms/op (total pause time per operation, by bucket
// midpoints) to b's results.
func (p *stwPauses) report(b *testing.B) {
	metrics.Read(p.sample)
	after := p.sample[0].Value.Float64Histogram()
	maxPause, total := 0.0, 0.0
	for i, c := range after.Counts {
		d := c - p.before.Counts[i]
		if d == 0 {
			continue
		}
		lo, hi := after.Buckets[i], after.Buckets[i+1]
		if math.IsInf(hi, 1) {
			hi = lo
		}
		if math.IsInf(lo, -1) {
			lo = 0
		}
		maxPause = max(maxPause, hi)
		total += float64(d) * (lo + hi) / 2
	}
	b.ReportMetric(maxPause*1e3, "max-stw-ms")
	b.ReportMetric(total*1e3/float64(b.N), "stw-ms/op")
}

// BenchmarkRuntimeStack is the floor: one runtime.Stack(buf, true) into a
// buffer already big enough.
func BenchmarkRuntimeStack(b *testing.B) {
	atEachSize(b, func(b *testing.B) {
		buf := make([]byte, 2*len(stacks.All())) // room for growth during the run
		b.ReportAllocs()
		stw := startSTW()
		b.ResetTimer()
		for b.Loop() {
			runtime.Stack(buf, true)
		}
		b.StopTimer()
		stw.report(b)
	})
}

// BenchmarkCleanCheck is the check after a passing test: the aggregated
// goroutine profile and a count of the goroutines carrying the test's label.
func BenchmarkCleanCheck(b *testing.B) {
	atEachSize(b, func(b *testing.B) {
		b.ReportAllocs()
		stw := startSTW()
		b.ResetTimer()
		for b.Loop() {
			s, err := profile.CaptureAggregate()
			if err != nil {
				b.Fatal(err)
			}
			if s.Count("leakhound.test", "BenchmarkCleanCheck") != 0 {
				b.Fatal("a goroutine carries the benchmark's label")
			}
		}
		b.StopTimer()
		stw.report(b)
	})
}

// BenchmarkCapture is the full capture and parse, as run when a check found
// something.
func BenchmarkCapture(b *testing.B) {
	atEachSize(b, func(b *testing.B) {
		if _, err := profile.Capture(); err != nil { // settles the buffer estimate
			b.Fatal(err)
		}
		b.ReportAllocs()
		stw := startSTW()
		b.ResetTimer()
		for b.Loop() {
			s, err := profile.Capture()
			if err != nil {
				b.Fatal(err)
			}
			if len(s.Goroutines) < len(benchSizes) {
				b.Fatal("capture lost goroutines")
			}
		}
		b.StopTimer()
		stw.report(b)
	})
}

// BenchmarkGoleakFind is goleak's check with its default options, as a test
// calls it: with the background goroutines present it reports them, after
// retrying with growing sleeps, and that whole call is what is measured.
func BenchmarkGoleakFind(b *testing.B) {
	atEachSize(b, func(b *testing.B) {
		b.ReportAllocs()
		stw := startSTW()
		b.ResetTimer()
		for b.Loop() {
			if err := goleak.Find(); err == nil {
				b.Fatal("goleak.Find found none of the background goroutines")
			}
		}
		b.StopTimer()
		stw.report(b)
	})
}

// BenchmarkCleanCheckPauses looks at the stop-the-world of each clean check
// on its own: the longest non-GC pause during each call, reported as the
// median, 90th and 99th percentile over the run, and the share of calls with
// a pause over 1 ms. The max-stw-ms of BenchmarkCleanCheck is the worst call
// of a run; this says how common such calls are.
func BenchmarkCleanCheckPauses(b *testing.B) {
	atEachSize(b, func(b *testing.B) {
		b.ReportAllocs()
		sample := []metrics.Sample{{Name: stwMetric}}
		var pauses []float64
		for b.Loop() {
			metrics.Read(sample)
			before := copyHistogram(sample[0].Value.Float64Histogram())
			if _, err := profile.CaptureAggregate(); err != nil {
				b.Fatal(err)
			}
			metrics.Read(sample)
			pauses = append(pauses, longestNewPause(before, sample[0].Value.Float64Histogram()))
		}
		slices.Sort(pauses)
		at := func(q float64) float64 { return pauses[int(q*float64(len(pauses)-1))] * 1e3 }
		over := 0
		for _, p := range pauses {
			if p > 1e-3 {
				over++
			}
		}
		b.ReportMetric(at(0.5), "p50-stw-ms")
		b.ReportMetric(at(0.9), "p90-stw-ms")
		b.ReportMetric(at(0.99), "p99-stw-ms")
		b.ReportMetric(100*float64(over)/float64(len(pauses)), "%calls>1ms")
	})
}

// longestNewPause returns the upper bound, in seconds, of the highest
// histogram bucket that gained a pause between before and after; 0 if none.
func longestNewPause(before, after *metrics.Float64Histogram) float64 {
	longest := 0.0
	for i, c := range after.Counts {
		if c > before.Counts[i] && !math.IsInf(after.Buckets[i+1], 1) {
			longest = after.Buckets[i+1]
		}
	}
	return longest
}
