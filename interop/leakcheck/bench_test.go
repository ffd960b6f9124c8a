package leakcheck_test

import (
	"fmt"
	"testing"

	"go.uber.org/goleak"
)

// goleak's arms of leakcheck's benchmarks. The same benchmark names run
// leakcheck's own arms in package leakcheck; together they make the tables
// of BENCHMARKS.md.

// background starts n goroutines that stay blocked until the benchmark
// ends, the kind of load a large test binary carries.
func background(b *testing.B, n int) {
	b.Helper()
	stop := make(chan struct{})
	done := make(chan struct{}, n)
	for range n {
		go func() {
			<-stop
			done <- struct{}{}
		}()
	}
	b.Cleanup(func() {
		close(stop)
		for range n {
			<-done
		}
	})
}

// cleanCheckSizes are the numbers of background goroutines the clean-check
// benchmarks run with, as in package leakcheck.
var cleanCheckSizes = []int{0, 10, 100, 1000, 10000}

// BenchmarkCleanCheck is the cost a passing test pays. Under "subtests"
// leakcheck's and goleak's arms run as real t.Run subtests interleaved
// subtest by subtest (see benchCleanCheckSubtests); under "fake" goleak's
// arms run alone, as leakcheck's do in package leakcheck:
//
//   - goleak: goleak.VerifyNone told to ignore the background goroutines by
//     an IgnoreCurrent taken once, before the loop: goleak's cheapest
//     configuration, the one the targets are judged against.
//   - goleak-current: the goleak idiom with Check's guarantee (goroutines
//     that existed before the test are never blamed), VerifyNone with an
//     IgnoreCurrent taken as the test starts.
func BenchmarkCleanCheck(b *testing.B) {
	for _, n := range cleanCheckSizes {
		b.Run(fmt.Sprintf("subtests/goroutines=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			benchCleanCheckSubtests(b, n)
		})
	}
	for _, n := range cleanCheckSizes {
		for _, spawning := range []bool{false, true} {
			kind := map[bool]string{false: "idle", true: "spawning"}[spawning]
			work := func() {
				if spawning {
					done := make(chan struct{})
					go func() { close(done) }()
					<-done
				}
			}
			name := func(arm string) string { return fmt.Sprintf("fake/goroutines=%d/%s/%s", n, kind, arm) }
			b.Run(name("goleak"), func(b *testing.B) { benchGoleak(b, n, work, false) })
			b.Run(name("goleak-current"), func(b *testing.B) { benchGoleak(b, n, work, true) })
		}
	}
}

// benchGoleak is a goleak arm of BenchmarkCleanCheck: work, then
// goleak.VerifyNone ignoring the goroutines present before, as recorded by
// goleak.IgnoreCurrent once before the loop or, with perTest, as each
// iteration starts.
func benchGoleak(b *testing.B, n int, work func(), perTest bool) {
	background(b, n)
	ignore := goleak.IgnoreCurrent()
	b.ReportAllocs()
	for b.Loop() {
		if perTest {
			ignore = goleak.IgnoreCurrent()
		}
		work()
		var rt recordingT
		goleak.VerifyNone(&rt, ignore)
		if rt.failed() {
			b.Fatal(rt.errors)
		}
	}
}

// leakUnreachable leaks a goroutine blocked on a channel nothing else can
// reach. It can never be released: run this benchmark with a small
// -benchtime such as 5x.
func leakUnreachable() {
	go func() {
		ch := make(chan int)
		<-ch
	}()
}

// BenchmarkLeakVerdict is the time from the end of a leaking test to
// goleak's verdict, which retries for its full budget; leakcheck's arm is
// in package leakcheck.
func BenchmarkLeakVerdict(b *testing.B) {
	b.Run("goleak", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			ignore := goleak.IgnoreCurrent()
			leakUnreachable()
			b.StartTimer()
			var rt recordingT
			goleak.VerifyNone(&rt, ignore)
			if !rt.failed() {
				b.Fatal("the leak was not reported")
			}
		}
	})
}
