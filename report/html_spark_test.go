package report

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

func TestHTMLSparkline(t *testing.T) {
	tests := []struct {
		name  string
		trend []int
		want  []string // in the page
		not   []string
	}{
		{"a trend", []int{1, 5, 9}, []string{`<svg class="spark"`, `points="1.0,22.0 60.0,12.0 119.0,2.0"`, "1 first, 9 last"}, nil},
		{"flat", []int{4, 4}, []string{`points="1.0,22.0 119.0,22.0"`}, nil},
		{"one look", []int{4}, nil, []string{`class="spark"`}},
		{"none", nil, nil, []string{`class="spark"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sparkReport(tt.trend)
			var b strings.Builder
			if err := r.WriteHTML(&b); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("page has %q", n)
				}
			}
		})
	}
}

// TestHTMLNoSource checks that a report built with NoSource shows no
// source excerpt, though the file is on this machine.
func TestHTMLNoSource(t *testing.T) {
	for _, noSource := range []bool{false, true} {
		r := sparkReport(nil)
		r.NoSource = noSource
		var b strings.Builder
		if err := r.WriteHTML(&b); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), `class="src-line`); got == noSource {
			t.Errorf("NoSource %v: source excerpt shown %v", noSource, got)
		}
	}
}

// sparkReport is a one-group report blocked in this test file.
func sparkReport(trend []int) *Report {
	g := mustParseOne(`goroutine 7 [chan receive]:
example.com/x.wait()
	` + thisFile() + `:10 +0x2a
created by example.com/x.Start in goroutine 1
	` + thisFile() + `:12 +0x9c
`)
	r := New([]Leak{{Goroutine: g}}, Options{Dump: true, ModuleRoot: filepath.Dir(thisFile())})
	r.Groups[0].Trend = trend
	return r
}

func mustParseOne(dump string) *profile.Goroutine {
	s, err := profile.ParseBytes([]byte(dump))
	if err != nil || len(s.Goroutines) != 1 {
		panic("bad test dump")
	}
	return s.Goroutines[0]
}

func thisFile() string {
	_, file, _, _ := runtime.Caller(0)
	return file
}
