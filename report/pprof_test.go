package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	pprofile "github.com/google/pprof/profile"

	"github.com/leakhound/leakhound/internal/testenv"
)

func TestWritePprofSamples(t *testing.T) {
	r := fixtureReports(t, t.TempDir(), "example.com/app/store")[0]
	var buf bytes.Buffer
	if err := r.WritePprof(&buf); err != nil {
		t.Fatal(err)
	}
	if b := buf.Bytes(); len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Fatalf("output is not gzipped: % x", b[:min(len(b), 4)])
	}
	p, err := pprofile.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.SampleType) != 1 || p.SampleType[0].Type != "goroutine" || p.SampleType[0].Unit != "count" {
		t.Fatalf("sample types %v, want one goroutine/count", p.SampleType)
	}
	if len(p.Sample) != len(r.Groups) {
		t.Fatalf("%d samples, want one per group (%d)", len(p.Sample), len(r.Groups))
	}
	for i, g := range r.Groups {
		s := p.Sample[i]
		if s.Value[0] != int64(g.Count) {
			t.Errorf("group %d: value %d, want its count %d", i, s.Value[0], g.Count)
		}
		var funcs []string
		for _, loc := range s.Location {
			for _, l := range loc.Line {
				funcs = append(funcs, l.Function.Name)
			}
		}
		var want []string
		for _, f := range g.Stack.Frames {
			want = append(want, f.Func)
		}
		if !reflect.DeepEqual(funcs, want) {
			t.Errorf("group %d: stack %v, want the representative stack innermost first %v", i, funcs, want)
		}
		if got := s.Label["test"]; !reflect.DeepEqual(got, g.Tests) {
			t.Errorf("group %d: test labels %v, want %v", i, got, g.Tests)
		}
		if got := s.Label["reason"]; len(got) != 1 || got[0] != string(g.Reason) {
			t.Errorf("group %d: reason label %v, want %s", i, got, g.Reason)
		}
		if id := g.Diagnosis.PatternID; id != "" && !s.HasLabel("pattern", id) {
			t.Errorf("group %d: no pattern label %s in %v", i, id, s.Label)
		}
		if id := g.Diagnosis.PatternID; id == "" && len(s.Label["pattern"]) != 0 {
			t.Errorf("group %d: pattern label %v without a pattern", i, s.Label["pattern"])
		}
	}
	// The runtime frames shared by both groups must be one location each.
	seen := map[string]int{}
	for _, f := range p.Function {
		seen[f.Name]++
	}
	for name, n := range seen {
		if n > 1 {
			t.Errorf("function %s appears %d times; pprof expects shared functions", name, n)
		}
	}
}

func TestWritePprofWithoutStacks(t *testing.T) {
	tests := []struct {
		name      string
		group     *Group
		wantFuncs []string
	}{
		{"block frame only", &Group{Reason: ReasonSleep, Count: 3, Block: fixtureFrame("a.sleeper", 4)}, []string{"a.sleeper"}},
		{"nothing known", &Group{Reason: ReasonUnknown, Count: 1}, nil},
		{"negative count", &Group{Reason: ReasonUnknown, Count: -2, Block: fixtureFrame("a.b", 1)}, []string{"a.b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{Groups: []*Group{tt.group, nil}}
			var buf bytes.Buffer
			if err := r.WritePprof(&buf); err != nil {
				t.Fatal(err)
			}
			p, err := pprofile.Parse(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Sample) != 1 {
				t.Fatalf("%d samples, want 1 (nil groups skipped)", len(p.Sample))
			}
			var funcs []string
			for _, loc := range p.Sample[0].Location {
				funcs = append(funcs, loc.Line[0].Function.Name)
			}
			if !reflect.DeepEqual(funcs, tt.wantFuncs) {
				t.Errorf("stack %v, want %v", funcs, tt.wantFuncs)
			}
			if v := p.Sample[0].Value[0]; v != int64(max(tt.group.Count, 0)) {
				t.Errorf("value %d, want %d", v, max(tt.group.Count, 0))
			}
		})
	}
}

// TestPprofToolReadsProfile runs the real pprof tool over a written file:
// the blocking function must be among the top entries.
func TestPprofToolReadsProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go tool pprof")
	}
	gobin := goCommand(t)
	r := fixtureReports(t, t.TempDir(), "example.com/app/store")[0]
	path := filepath.Join(t.TempDir(), "leaks.pb.gz")
	var buf bytes.Buffer
	if err := r.WritePprof(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want []string
		not  []string
	}{
		{"top", []string{"-top"}, []string{"store.Fetch.func1", "store.(*Cache).Get"}, nil},
		{"tag focus on reason", []string{"-top", "-tagfocus=reason=mutex"}, []string{"store.(*Cache).Get"}, []string{"store.Fetch.func1"}},
		{"tags", []string{"-tags"}, []string{"chan-send", "TestFetchMany", "LH001"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(gobin, append(append([]string{"tool", "pprof"}, tt.args...), path)...)
			cmd.Env = append(os.Environ(), "PPROF_TMPDIR="+t.TempDir())
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go tool pprof %v: %v\n%s", tt.args, err, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(string(out), w) {
					t.Errorf("output has %q though filtered out:\n%s", w, out)
				}
			}
		})
	}
}

// goCommand is shared with the package's other tests.
var goCommand = testenv.GoCommand
