package report

import (
	"fmt"
	"io"
	"testing"
)

// benchReport is a report of the size a failing test usually produces:
// a few groups with full stacks and a source excerpt to read.
func benchReport(b *testing.B) *Report {
	r := fixtureReports(b, b.TempDir(), "example.com/app/store")[0]
	return r
}

func BenchmarkWriteHTML(b *testing.B) {
	r := benchReport(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.WriteHTML(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteJSON(b *testing.B) {
	r := benchReport(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.WriteJSON(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWritePprof(b *testing.B) {
	r := benchReport(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.WritePprof(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteDir measures one WriteDir into a directory that already
// holds other packages, so it includes rebuilding the index from all their
// JSON files, as the last packages of a `go test ./...` run pay.
func BenchmarkWriteDir(b *testing.B) {
	for _, packages := range []int{1, 50} {
		b.Run(fmt.Sprintf("packages=%d", packages), func(b *testing.B) {
			dir := b.TempDir()
			for i := range packages - 1 {
				pkg := fmt.Sprintf("example.com/p%d", i)
				if err := WriteDir(dir, pkg, []*Report{leakReport(pkg, pkg+".f", 2, "TestX")}); err != nil {
					b.Fatal(err)
				}
			}
			r := benchReport(b)
			b.ReportAllocs()
			for b.Loop() {
				if err := WriteDir(dir, "example.com/app/store", []*Report{r}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
