package report

import (
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

const testRoot = "/home/u/app"

func worker(id int64, line int, test string) Leak {
	return Leak{Test: test, Goroutine: &profile.Goroutine{
		ID: id, State: "chan receive", Count: 1,
		Frames: []profile.Frame{
			{Func: "example.com/app/pool.worker", File: testRoot + "/pool/worker.go", Line: line},
			{Func: "example.com/app/pool.Start.gowrap1", File: testRoot + "/pool/pool.go", Line: 20},
		},
		CreatedBy: &profile.Frame{Func: "example.com/app/pool.Start", File: testRoot + "/pool/pool.go", Line: 20},
	}}
}

func TestNewGroups(t *testing.T) {
	leaks := []Leak{
		worker(30, 42, "TestB"),
		worker(12, 42, "TestA"),
		worker(17, 50, "TestA"), // another line: another group
		worker(11, 42, "TestA"),
		{Goroutine: nil}, // skipped
	}
	leaks[0].Goroutine.Leaked = true
	leaks[0].Goroutine.WaitMinutes = 3
	leaks[1].Goroutine.WaitMinutes = 7
	// Same place, different creator: a separate group.
	other := worker(40, 42, "TestC")
	other.Goroutine.CreatedBy = &profile.Frame{Func: "example.com/app/pool.Restart", File: testRoot + "/pool/pool.go", Line: 60}
	leaks = append(leaks, other)

	r := New(leaks, Options{Title: "TestA", ModuleRoot: testRoot, NoSource: true})
	if r.Total != 5 {
		t.Errorf("Total = %d, want 5", r.Total)
	}
	if len(r.Groups) != 3 {
		t.Fatalf("got %d groups, want 3", len(r.Groups))
	}
	g := r.Groups[0]
	if g.Count != 3 || !slices.Equal(g.IDs, []int64{11, 12, 30}) {
		t.Errorf("largest group: count %d IDs %v, want 3 [11 12 30]", g.Count, g.IDs)
	}
	if !slices.Equal(g.Tests, []string{"TestA", "TestB"}) {
		t.Errorf("tests %v, want [TestA TestB]", g.Tests)
	}
	if g.Leaked != 1 || g.WaitMinutes != 7 {
		t.Errorf("leaked %d wait %d, want 1 and 7", g.Leaked, g.WaitMinutes)
	}
	if g.Block.Line != 42 || g.Block.File != testRoot+"/pool/worker.go" {
		t.Errorf("block %+v: want the worker frame with its absolute path", g.Block)
	}
	if g.CreatedBy == nil || g.CreatedBy.Func != "example.com/app/pool.Start" {
		t.Errorf("created by %+v", g.CreatedBy)
	}
	if g.Diagnosis.FromSource {
		t.Error("NoSource report says its diagnosis came from source")
	}
	// Ties broken by place: line 42 (Restart) before line 50.
	if r.Groups[1].Block.Line != 42 || r.Groups[2].Block.Line != 50 {
		t.Errorf("tie order: lines %d, %d; want 42 then 50", r.Groups[1].Block.Line, r.Groups[2].Block.Line)
	}
	if got := r.RelPath(g.Block.File); got != "pool/worker.go" {
		t.Errorf("RelPath = %q, want pool/worker.go", got)
	}
}

func TestNewOrderIndependent(t *testing.T) {
	a := []Leak{worker(1, 42, "T"), worker(2, 50, "T"), worker(3, 60, "T")}
	b := []Leak{a[2], a[0], a[1]}
	ra := New(a, Options{NoSource: true})
	rb := New(b, Options{NoSource: true})
	for i := range ra.Groups {
		if ra.Groups[i].Block != rb.Groups[i].Block {
			t.Fatalf("group %d differs with input order: %v vs %v", i, ra.Groups[i].Block, rb.Groups[i].Block)
		}
	}
}

func TestNewAggregatedCounts(t *testing.T) {
	// A pprof record stands for many goroutines and has no ID or state.
	agg := &profile.Goroutine{Count: 250, Frames: []profile.Frame{
		{Func: "runtime.gopark", File: "/go/src/runtime/proc.go", Line: 460},
		{Func: "runtime.chanrecv1", File: "/go/src/runtime/chan.go", Line: 506},
		{Func: "example.com/app.wait", File: testRoot + "/wait.go", Line: 9},
	}}
	one := &profile.Goroutine{Count: 0, State: "select", Frames: []profile.Frame{{Func: "main.f", File: "/x/main.go", Line: 3}}}
	r := New([]Leak{{Goroutine: agg}, {Goroutine: one}}, Options{ModuleRoot: testRoot, NoSource: true})
	if r.Total != 251 {
		t.Errorf("Total = %d, want 251 (a zero Count counts as one)", r.Total)
	}
	g := r.Groups[0]
	if g.Count != 250 || len(g.IDs) != 0 || g.Reason != ReasonChanReceive {
		t.Errorf("aggregated group: count %d IDs %v reason %s", g.Count, g.IDs, g.Reason)
	}
	if g.Block.Func != "example.com/app.wait" {
		t.Errorf("block %s, want the user frame under the runtime ones", g.Block.Func)
	}
	if !strings.Contains(g.Diagnosis.Summary, "less certain") || g.Diagnosis.PatternID != PatternGenericReceive {
		t.Errorf("stack-only diagnosis: %s %q", g.Diagnosis.PatternID, g.Diagnosis.Summary)
	}
}

func TestBlockFrame(t *testing.T) {
	tests := []struct {
		name  string
		funcs []string
		want  string
	}{
		{"user frame under std ones", []string{"sync.(*WaitGroup).Wait", "example.com/app.run", "testing.tRunner"}, "example.com/app.run"},
		{"main package is user code", []string{"time.Sleep", "main.loop"}, "main.loop"},
		{"no user frame: the goroutine's own function", []string{"internal/poll.runtime_pollWait", "bufio.(*Reader).Peek",
			"net/http.(*persistConn).readLoop"}, "net/http.(*persistConn).readLoop"},
		{"dot-less module path", []string{"sync.(*Mutex).Lock", "myapp/store.(*DB).Get"}, "myapp/store.(*DB).Get"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := frames(tt.funcs...)
			if got := fs[BlockIndex(fs)].Func; got != tt.want {
				t.Errorf("block = %s, want %s", got, tt.want)
			}
		})
	}
	if BlockIndex(nil) != -1 {
		t.Error("BlockIndex(nil) should be -1")
	}
}

func TestRelPath(t *testing.T) {
	tests := []struct{ root, in, want string }{
		{"/home/u/app", "/home/u/app/pool/w.go", "pool/w.go"},
		{"/home/u/app", "/home/u/app2/w.go", "/home/u/app2/w.go"},
		{"/home/u/app", "/usr/local/go/src/net/http/transport.go", "net/http/transport.go"},
		{"", "/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64/src/sync/mutex.go", "sync/mutex.go"},
		{"", "/home/u/src/app/main.go", "/home/u/src/app/main.go"},
		{"/home/u/app", "/root/go/pkg/mod/golang.org/x/sync@v0.10.0/errgroup/errgroup.go", "golang.org/x/sync@v0.10.0/errgroup/errgroup.go"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := relPath(tt.root, tt.in); got != tt.want {
			t.Errorf("relPath(%q, %q) = %q, want %q", tt.root, tt.in, got, tt.want)
		}
	}
}

// Odd input never panics and still reports every goroutine.
func TestNewOddInput(t *testing.T) {
	leaks := []Leak{
		{Goroutine: &profile.Goroutine{}},
		{Goroutine: &profile.Goroutine{State: "chan receive", StackUnavailable: true}},
		{Goroutine: &profile.Goroutine{State: "select", Frames: []profile.Frame{{Func: "main.f", File: "/nonexistent/x.go", Line: 1 << 30}}}},
		{Goroutine: &profile.Goroutine{State: "chan send", Frames: []profile.Frame{{Func: "main.f", File: "/etc", Line: -4}}}},
	}
	r := newExplained(leaks, Options{ModuleRoot: "/"})
	if r.Total != 4 {
		t.Errorf("Total = %d, want 4", r.Total)
	}
	var sb strings.Builder
	if err := r.WriteText(&sb); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteAnnotations(&sb); err != nil {
		t.Fatal(err)
	}
	for _, g := range r.Groups {
		if g.Diagnosis.PatternID == "" || g.Diagnosis.Summary == "" {
			t.Errorf("group %s/%q has no diagnosis", g.Reason, g.State)
		}
	}
}

func TestUserFrames(t *testing.T) {
	g := &Group{Stack: &profile.Goroutine{Frames: []profile.Frame{
		{Func: "runtime.gopark", File: "/go/src/runtime/proc.go", Line: 1},
		{Func: "sync.(*WaitGroup).Wait", File: "/go/src/sync/waitgroup.go", Line: 2},
		{Func: "example.com/app.run", File: "/app/run.go", Line: 3},
		{Func: "testing.tRunner", File: "/go/src/testing/testing.go", Line: 4},
		{Func: "example.com/app.TestMain", File: "/app/main_test.go", Line: 5},
		{Func: "main.main", File: "/tmp/go-build1/b001/_testmain.go", Line: 6},
	}}}
	var got []string
	for _, f := range g.UserFrames() {
		got = append(got, f.Func)
	}
	want := []string{"example.com/app.run", "example.com/app.TestMain"}
	if !slices.Equal(got, want) {
		t.Errorf("UserFrames = %v, want %v", got, want)
	}
	if (&Group{}).UserFrames() != nil {
		t.Error("a group without a stack has user frames")
	}
}
