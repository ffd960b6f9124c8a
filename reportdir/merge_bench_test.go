//go:build unix

package reportdir

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/leakhound/leakhound/report"
)

// BenchmarkMerge merges synthetic shards: packages spread over 10 shards,
// each package with 100 leaked goroutines, in groups of 10 (the usual
// shape: a few places leak many goroutines) or of 1 (every goroutine its
// own group, the most work per goroutine). The inputs are generated
// before the timer starts. Besides time and allocation per merge it
// reports the input's size, the heap in use after the merge, so memory can
// be compared with the input as the package count grows, and the CPU time
// of the process per merge (user and system), which a loaded machine does
// not inflate the way it does the wall time.
func BenchmarkMerge(b *testing.B) {
	shardKinds := []struct {
		name  string
		write func(testing.TB, string, ...*report.Document)
	}{
		// As WriteDir leaves a shard: the merge keeps the pages.
		{"pages=kept", writeShard},
		// JSON files alone (or marks changed by -known): every page is
		// rendered.
		{"pages=rendered", writeShardJSON},
	}
	for _, kind := range shardKinds {
		for _, perGroup := range []int{10, 1} {
			for _, packages := range []int{100, 1000} {
				name := fmt.Sprintf("%s/packages=%d/goroutines=100/group=%d", kind.name, packages, perGroup)
				b.Run(name, func(b *testing.B) { benchmarkMerge(b, kind.write, packages, perGroup) })
			}
		}
	}
}

func benchmarkMerge(b *testing.B, writeShard func(testing.TB, string, ...*report.Document), packages, perGroup int) {
	in := b.TempDir()
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for i := range packages {
		d := synthDoc(fmt.Sprintf("example.com/mono/svc%d/pkg%d", i%37, i), 100, perGroup, at)
		writeShard(b, filepath.Join(in, fmt.Sprintf("shard-%d", i%10)), d)
	}
	inBytes := dirSize(b, in)
	out := filepath.Join(b.TempDir(), "merged")
	b.ReportAllocs()
	var heap uint64
	cpu0 := cpuTime(b)
	for b.Loop() {
		m, err := Collect([]string{in}, out)
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Docs) != packages || len(m.Skipped) > 0 {
			b.Fatalf("merged %d packages, skipped %q", len(m.Docs), m.Skipped)
		}
		if err := m.Write(out); err != nil {
			b.Fatal(err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = max(heap, ms.HeapInuse)
		runtime.KeepAlive(m)
	}
	b.ReportMetric((cpuTime(b)-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(inBytes)/(1<<20), "input-MB")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
