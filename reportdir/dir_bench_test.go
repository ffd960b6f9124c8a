package reportdir

import (
	"fmt"
	"testing"

	"github.com/leakhound/leakhound/report"
)

// BenchmarkWriteDir measures one WriteDir into a directory that already
// holds other packages, so it includes rebuilding the index from all their
// JSON files, as the last packages of a `go test ./...` run pay.
func BenchmarkWriteDir(b *testing.B) {
	for _, packages := range []int{1, 50} {
		b.Run(fmt.Sprintf("packages=%d", packages), func(b *testing.B) {
			dir := b.TempDir()
			for i := range packages - 1 {
				pkg := fmt.Sprintf("example.com/p%d", i)
				if err := WriteDir(dir, pkg, []*report.Report{leakReport(pkg, pkg+".f", 2, "TestX")}); err != nil {
					b.Fatal(err)
				}
			}
			r := storeReports()[0]
			b.ReportAllocs()
			for b.Loop() {
				if err := WriteDir(dir, "example.com/app/store", []*report.Report{r}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
