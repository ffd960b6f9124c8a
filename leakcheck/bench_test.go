package leakcheck

import (
	"fmt"
	"testing"

	"go.uber.org/goleak"
)

// Benchmarks against goleak, in the same run. Commands and results are in
// BENCHMARKS.md, section "leakcheck".

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

// BenchmarkCleanCheck is the cost a passing test pays: a whole Check (start
// and verdict) against goleak.VerifyNone told to ignore the same background
// goroutines, for several amounts of background goroutines. "idle" tests
// start no goroutine; "spawning" tests start one and wait for it, so the
// check must look at labels (and the goroutine may still be returning when
// the check looks, as in real tests).
func BenchmarkCleanCheck(b *testing.B) {
	for _, n := range []int{10, 1000, 10000} {
		for _, spawning := range []bool{false, true} {
			kind := map[bool]string{false: "idle", true: "spawning"}[spawning]
			work := func() {
				if spawning {
					done := make(chan struct{})
					go func() { close(done) }()
					<-done
				}
			}
			b.Run(fmt.Sprintf("goroutines=%d/%s/leakcheck", n, kind), func(b *testing.B) {
				background(b, n)
				b.ReportAllocs()
				for b.Loop() {
					ft := newFakeTB(b, "BenchmarkCleanCheck")
					if check(ft, "example.com/pkg", nil) == nil {
						b.Fatal(ft.errorText())
					}
					work()
					ft.runCleanups()
					if ft.failed() {
						b.Fatal(ft.errorText())
					}
				}
			})
			b.Run(fmt.Sprintf("goroutines=%d/%s/goleak", n, kind), func(b *testing.B) {
				background(b, n)
				ignore := goleak.IgnoreCurrent()
				b.ReportAllocs()
				for b.Loop() {
					work()
					var rt recordingT
					goleak.VerifyNone(&rt, ignore)
					if rt.failed() {
						b.Fatal(rt.errors)
					}
				}
			})
		}
	}
}

// leakUnreachable leaks a goroutine blocked on a channel nothing else can
// reach, which the runtime can prove leaked where it has the goroutineleak
// profile. It can never be released: run this benchmark with a small
// -benchtime such as 5x.
func leakUnreachable() {
	go func() {
		ch := make(chan int)
		<-ch
	}()
}

// BenchmarkLeakVerdict is the time from the end of a leaking test to its
// verdict, with the default settle budget: leakcheck reports a proven leak
// at once, goleak retries for its full budget.
func BenchmarkLeakVerdict(b *testing.B) {
	b.Run("leakcheck", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ft := newFakeTB(b, "BenchmarkLeakVerdict")
			if check(ft, "example.com/pkg", nil) == nil {
				b.Fatal(ft.errorText())
			}
			leakUnreachable()
			ft.runCleanups()
			if !ft.failed() {
				b.Fatal("the leak was not reported")
			}
		}
	})
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
