package report

import (
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
