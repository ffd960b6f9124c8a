package report

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// benchLeaks builds n leaked goroutines in a few dozen shapes, the way a
// big leak looks: many goroutines stuck at few places. Their frames point
// into internal/leaky, so the diagnosis reads and parses real source.
func benchLeaks(b *testing.B, n int, distinct bool) []Leak {
	b.Helper()
	dir, err := filepath.Abs("internal/leaky")
	if err != nil {
		b.Fatal(err)
	}
	states := []string{"chan receive", "chan send", "select", "sync.Mutex.Lock", "sync.WaitGroup.Wait", "IO wait", "sleep"}
	files := []string{"channels.go", "syncs.go", "loops.go"}
	const shapes = 40
	leaks := make([]Leak, n)
	for i := range leaks {
		s := i % shapes
		outer := 0
		if distinct {
			outer = i // every goroutine reached its blocking line another way
		}
		file := filepath.Join(dir, files[s%len(files)])
		leaks[i] = Leak{
			Test: fmt.Sprintf("TestShape%d", s%7),
			Goroutine: &profile.Goroutine{
				ID: int64(n - i), State: states[s%len(states)], Count: 1, WaitMinutes: i % 3,
				Frames: []profile.Frame{
					{Func: "sync.(*Mutex).Lock", File: "/usr/local/go/src/sync/mutex.go", Line: 46},
					{Func: fmt.Sprintf("github.com/leakhound/leakhound/report/internal/leaky.shape%d", s), File: file, Line: 10 + s},
					{Func: "github.com/leakhound/leakhound/report/internal/leaky.run", File: file, Line: 5 + outer},
					{Func: "testing.tRunner", File: "/usr/local/go/src/testing/testing.go", Line: 2036},
				},
				CreatedBy: &profile.Frame{Func: "github.com/leakhound/leakhound/report/internal/leaky.Start", File: file, Line: 3},
			},
		}
	}
	return leaks
}

// BenchmarkReport measures what a failing check pays: classify, group,
// diagnose (reading source) and render the text report.
func BenchmarkReport(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		leaks := benchLeaks(b, n, false)
		opts := Options{Title: "BenchmarkReport", ModuleRoot: filepath.Dir(filepath.Dir(leaks[0].Goroutine.Frames[1].File))}
		b.Run(fmt.Sprintf("goroutines=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := newExplained(leaks, opts)
				if err := r.WriteText(io.Discard); err != nil {
					b.Fatal(err)
				}
				if r.Total != n {
					b.Fatalf("total %d, want %d", r.Total, n)
				}
			}
		})
	}
}

// BenchmarkReportDistinct is the worst case: every goroutine its own group
// (one shape each), so diagnosis runs per goroutine.
func BenchmarkReportDistinct(b *testing.B) {
	const n = 100_000
	leaks := benchLeaks(b, n, true)
	opts := Options{Title: "BenchmarkReportDistinct", ModuleRoot: filepath.Dir(filepath.Dir(leaks[0].Goroutine.Frames[1].File))}
	b.ReportAllocs()
	for b.Loop() {
		r := newExplained(leaks, opts)
		if err := r.WriteText(io.Discard); err != nil {
			b.Fatal(err)
		}
		if len(r.Groups) != n {
			b.Fatalf("%d groups, want %d", len(r.Groups), n)
		}
	}
}

// BenchmarkReportThousandGroups is the size issue #13 sets the budget for:
// 100k leaked goroutines in 1,000 groups, classified, diagnosed with
// source (partners, cycles) and rendered, in under a second.
func BenchmarkReportThousandGroups(b *testing.B) {
	benchThousandGroups(b, (*Report).WriteText)
}

// benchThousandGroups builds the report of 100k leaked goroutines in 1,000
// groups and writes it with write, per iteration.
func benchThousandGroups(b *testing.B, write func(*Report, io.Writer) error) {
	const n, groups = 100_000, 1_000
	leaks := benchLeaks(b, n, true)
	for i, l := range leaks {
		l.Goroutine.Frames[2].Line = 5 + (i/40)%(groups/40) // 40 shapes × 25 outer lines
	}
	opts := Options{Title: b.Name(), ModuleRoot: filepath.Dir(filepath.Dir(leaks[0].Goroutine.Frames[1].File))}
	b.ReportAllocs()
	for b.Loop() {
		r := newExplained(leaks, opts)
		if err := write(r, io.Discard); err != nil {
			b.Fatal(err)
		}
		if len(r.Groups) != groups {
			b.Fatalf("%d groups, want %d", len(r.Groups), groups)
		}
	}
}
