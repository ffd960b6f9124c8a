package leakcheck

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/leakhound/leakhound/internal/stacks"
)

// The clean check's cost beside the runtime's floor. The arms that run
// goleak, and the subtest benchmark that interleaves leakcheck's and
// goleak's arms in one run, are in interop/leakcheck, the nested module
// that may require goleak. Commands and results are in BENCHMARKS.md.

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

// BenchmarkCleanCheck is the cost a passing test pays, for several amounts
// of background goroutines. "idle" tests start no goroutine; "spawning"
// tests start one and wait for it, so the check must look at labels (and the
// goroutine may still be returning when the check looks, as in real tests).
// The arms, all in the same run:
//
//   - leakcheck: a whole Check, start and verdict.
//   - runtime.Stack: one runtime.Stack(buf, true), the raw traceback every
//     text-based checker starts from.
//   - runtime-looks: the runtime calls an exact Check cannot do without
//     when it cannot stand on an earlier look, and nothing else: a
//     traceback for the IDs as the test starts, then (when the test started
//     a goroutine) another for the IDs at the end; the floor of this design.
//
// Each arm runs alone through a fake testing.TB ("fake"); goleak's arms of
// the same shape, and the arms as real subtests, are in interop/leakcheck.
func BenchmarkCleanCheck(b *testing.B) {
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
			b.Run(name("leakcheck"), func(b *testing.B) {
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
			b.Run(name("runtime.Stack"), func(b *testing.B) {
				background(b, n)
				buf := make([]byte, 2*len(stacks.All())) // room for growth during the run
				b.ReportAllocs()
				for b.Loop() {
					work()
					runtime.Stack(buf, true)
				}
			})
			b.Run(name("runtime-looks"), func(b *testing.B) {
				background(b, n)
				buf := make([]byte, 1<<20+n*1024)
				b.ReportAllocs()
				for b.Loop() {
					runtime.Stack(buf, true)
					work()
					if spawning {
						runtime.Stack(buf, true)
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
// at once. goleak's arm, which retries for its full budget, is in
// interop/leakcheck.
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
}

// cleanCheckSizes are the numbers of background goroutines the clean-check
// benchmarks run with.
var cleanCheckSizes = []int{0, 10, 100, 1000, 10000}
