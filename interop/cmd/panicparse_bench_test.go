// Package cmd compares the leakhound command's reading of a big dump with
// panicparse's. The command's own benchmarks, on the same dump, are in
// cmd/leakhound (BenchmarkReport100k); BENCHMARKS.md holds both.
package cmd

import (
	"bytes"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/maruel/panicparse/v2/stack"

	"github.com/leakhound/leakhound/internal/bigdump"
)

// dump is the 100k-goroutine dump, written once per test process.
var dump struct {
	once sync.Once
	path string
	err  error
}

func dumpPath(b *testing.B) string {
	b.Helper()
	dump.once.Do(func() { dump.path, dump.err = bigdump.Write(b.TempDir()) })
	if dump.err != nil {
		b.Fatal(dump.err)
	}
	return dump.path
}

// BenchmarkPanicparse100k is the dump through panicparse: scan and
// aggregate, with its path guessing and source analysis off so that both
// tools are measured reading and grouping, not looking at the disk.
func BenchmarkPanicparse100k(b *testing.B) {
	path := dumpPath(b)
	b.ReportAllocs()
	for b.Loop() {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		snap, _, err := stack.ScanSnapshot(bytes.NewReader(data), io.Discard, &stack.Opts{})
		if err != nil && err != io.EOF {
			b.Fatal(err)
		}
		if snap == nil || len(snap.Goroutines) < bigdump.Goroutines {
			b.Fatalf("panicparse read %d goroutines", len(snap.Goroutines))
		}
		if agg := snap.Aggregate(stack.AnyValue); len(agg.Buckets) == 0 {
			b.Fatal("panicparse found no buckets")
		}
	}
}
