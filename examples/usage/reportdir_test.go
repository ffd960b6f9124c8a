package usage

import (
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/examples/internal/leaktest"
	"github.com/leakhound/leakhound/leakcheck"
)

// A check that finds leaks can also write them as an HTML page (with JSON
// and a pprof profile beside it) and keep an index.html of every package
// and test that leaked. Two ways turn it on:
//
//	leakcheck.Check(t, leakcheck.ReportDir("leaks"))  // in code
//	LEAKHOUND_REPORT=leaks go test ./...               // for a whole run
//
// then open leaks/index.html (a relative path is taken from the module
// root in both). leakcheck reads the variable once, on the first check of
// a test binary, so it is set for the run, not from inside a test; the
// test below uses the option. It leaks on purpose, under a
// leaktest.Recorder so that it can look at the files without failing.

func TestReportFiles(t *testing.T) {
	tests := []struct {
		name string
		on   func(t *testing.T, dir string) []leakcheck.Option
	}{
		{"ReportDir option", func(_ *testing.T, dir string) []leakcheck.Option {
			return []leakcheck.Option{leakcheck.ReportDir(dir)}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			rec := leaktest.NewRecorder(t, "leaky")
			leakcheck.Check(rec, tt.on(t, dir)...)
			release := make(chan struct{})
			go func() {
				<-release // the leak the report shows
			}()
			rec.RunCleanups()
			close(release)
			if !rec.Failed() {
				t.Fatal("the leaky test passed its check")
			}

			index, err := os.ReadFile(filepath.Join(dir, "index.html"))
			if err != nil {
				t.Fatalf("no index.html in the report directory: %v", err)
			}
			if want := template.HTMLEscapeString(rec.Name()); !strings.Contains(string(index), want) {
				t.Errorf("index.html does not list the leaking test %s", rec.Name())
			}
			for _, pattern := range []string{"pkg-*.html", "pkg-*.json", "pkg-*.pb.gz"} {
				if m, _ := filepath.Glob(filepath.Join(dir, pattern)); len(m) == 0 {
					t.Errorf("no %s file in the report directory", pattern)
				}
			}
		})
	}
}
