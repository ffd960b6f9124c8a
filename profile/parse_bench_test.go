package profile

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/stacks"
)

// Capture costs one runtime.Stack(buf, true) plus one parseStack. These
// benchmarks measure both on the same dumps, so that a single run shows
// the ratio: BenchmarkParseStackFloor (runtime.Stack alone) is the floor, BenchmarkParseStack what
// the parser adds.
//
//	go test -run='^$' -bench=ParseStack -count=6 ./profile/ | benchstat -

var parseBenchSizes = []int{1_000, 10_000, 100_000}

// parseBenchWorkload starts n goroutines blocked a few calls deep on a channel,
// as a server's idle workers are, and returns a function that releases them
// and waits until they are gone.
func parseBenchWorkload(n int) (release func()) {
	ch := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(n)
	started := make(chan struct{}, n)
	for range n {
		go func() {
			defer wg.Done()
			parseBenchWorker(3, ch, started)
		}()
	}
	for range n {
		<-started
	}
	return func() {
		close(ch)
		wg.Wait()
	}
}

//go:noinline
func parseBenchWorker(depth int, ch chan struct{}, started chan<- struct{}) {
	if depth > 0 {
		parseBenchWorker(depth-1, ch, started)
		return
	}
	started <- struct{}{}
	<-ch
}

// dumpAll returns a buffer large enough for runtime.Stack of every
// goroutine, and the dump it holds.
func dumpAll() ([]byte, int) {
	dump := stacks.All()
	return dump[:cap(dump)], len(dump)
}

func BenchmarkParseStack(b *testing.B) {
	for _, n := range parseBenchSizes {
		b.Run(fmt.Sprintf("goroutines=%d", n), func(b *testing.B) {
			release := parseBenchWorkload(n)
			buf, size := dumpAll()
			release()
			dump := buf[:size]
			b.SetBytes(int64(len(dump)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				s, err := parseStack(dump)
				if err != nil || len(s.Goroutines) < n {
					b.Fatalf("parsed %d goroutines (err %v), want at least %d", len(s.Goroutines), err, n)
				}
			}
		})
	}
}

func BenchmarkParseStackFloor(b *testing.B) {
	for _, n := range parseBenchSizes {
		b.Run(fmt.Sprintf("goroutines=%d", n), func(b *testing.B) {
			release := parseBenchWorkload(n)
			defer release()
			buf, size := dumpAll()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				runtime.Stack(buf, true)
			}
		})
	}
}
