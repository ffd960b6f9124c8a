package watch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/explain"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// TestReportReadsRelocatedSource builds a report of a group whose stack
// names files under CI's build directory: the diagnosis reads them from
// the checkout given as ModuleRoot, and says so when they are not there.
func TestReportReadsRelocatedSource(t *testing.T) {
	root := t.TempDir()
	src := "package pkg\n\nfunc Leak() {\n\tch := make(chan int)\n\tgo func() {\n\t\t<-ch\n\t}()\n}\n"
	if err := os.MkdirAll(filepath.Join(root, "pkg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "pkg", "leak.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	snap, err := profile.ParseBytes([]byte("goroutine 9 [chan receive]:\nexample.com/svc/pkg.Leak.func1()\n\t/build/ci/svc/pkg/leak.go:6 +0x2a\n" +
		"created by example.com/svc/pkg.Leak in goroutine 1\n\t/build/ci/svc/pkg/leak.go:5 +0x9c\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep := report.New([]report.Leak{{Goroutine: snap.Goroutines[0]}}, report.Options{NoSource: true, Dump: true})
	tests := []struct {
		name, root string
		fromSource bool
		file       string
	}{
		{"the checkout", root, true, filepath.Join(root, "pkg", "leak.go")},
		{"no checkout there", t.TempDir(), false, "/build/ci/svc/pkg/leak.go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &Watcher{opts: Options{}, groups: map[string]*group{}}
			w.opts.fill()
			w.targets = []*target{{url: "http://127.0.0.1:1"}}
			sg := sightGroup{fingerprint: rep.Groups[0].Fingerprint(), count: 7, group: cloneGroup(rep.Groups[0])}
			w.line.advance(w.opts.Now(), w.opts.History, w.groups)
			w.groups[sg.fingerprint] = newGroup(sg, 1, w.opts.Now())
			w.order = append(w.order, sg.fingerprint)
			w.groups[sg.fingerprint].inst[0] = newSeries(1, w.opts.History)
			w.groups[sg.fingerprint].inst[0].proven = true
			res := w.Report(ReportOptions{ModuleRoot: tt.root,
				Explain: func(r *report.Report) { explain.Report(r, explain.Options{}) }})
			if len(res.Report.Groups) != 1 {
				t.Fatalf("%d groups", len(res.Report.Groups))
			}
			g := res.Report.Groups[0]
			if g.Diagnosis.FromSource != tt.fromSource || g.Block.File != tt.file {
				t.Errorf("FromSource %v, block in %s; want %v, %s", g.Diagnosis.FromSource, g.Block.File, tt.fromSource, tt.file)
			}
			noted := false
			for _, n := range res.Report.Notes {
				noted = noted || strings.HasPrefix(n, "The source of ")
			}
			if noted == tt.fromSource {
				t.Errorf("notes %q: saying the source was not found is %v, want %v", res.Report.Notes, noted, !tt.fromSource)
			}
		})
	}
}
