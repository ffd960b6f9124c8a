package leakcheck

import (
	"runtime"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

func TestTestFunc(t *testing.T) {
	tests := []struct {
		fn   string
		want string
	}{
		{"example.com/srv.TestServe", "TestServe"},
		{"example.com/srv.TestServe.func1.2", "TestServe"},
		{"example.com/srv_test.BenchmarkGet.func3", "BenchmarkGet"},
		{"example.com/srv.FuzzParse", "FuzzParse"},
		{"example.com/srv.ExampleClient", "ExampleClient"},
		{"example.com/srv.Test", "Test"},
		{"example.com/srv.Test_underscore", "Test_underscore"},
		{"example.com/srv.Testimony", ""}, // lower case after the prefix: not a test
		{"example.com/srv.(*T).TestMethod", ""},
		{"example.com/test.helper", ""},
		{"main.main", ""},
		{"nodot", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := testFunc(tt.fn)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("testFunc(%q) = %q, %v; want %q", tt.fn, got, ok, tt.want)
		}
	}
}

func TestTestOfLabel(t *testing.T) {
	tests := []struct{ value, want string }{
		{"TestA#12", "TestA"},
		{"TestA/sub#3", "TestA/sub"},
		{"TestA/case#01#7", "TestA/case#01"},
		{"TestA/case_#x", "TestA/case_#x"},
		{"TestA", "TestA"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := testOfLabel(tt.value); got != tt.want {
			t.Errorf("testOfLabel(%q) = %q, want %q", tt.value, got, tt.want)
		}
	}
	// Values made for the same name never repeat.
	a, b := newLabelValue("TestX"), newLabelValue("TestX")
	if a == b || testOfLabel(a) != "TestX" || testOfLabel(b) != "TestX" {
		t.Errorf("label values %q and %q", a, b)
	}
}

func frames(funcs ...string) []profile.Frame {
	fs := make([]profile.Frame, len(funcs))
	for i, f := range funcs {
		fs[i] = profile.Frame{Func: f, File: "/src/x.go", Line: i + 1}
	}
	return fs
}

func TestIsMachinery(t *testing.T) {
	tests := []struct {
		name   string
		frames []profile.Frame
		want   bool
	}{
		{"runtime only", frames("runtime.gopark", "runtime.bgsweep"), true},
		{"testing waits for a subtest", frames("runtime.gopark", "testing.(*T).Run", "example.com/p.TestA", "testing.tRunner"), true},
		{"parallel test waiting", frames("testing.(*T).Parallel", "example.com/p.TestA", "testing.tRunner"), true},
		{"signal loop", frames("os/signal.signal_recv", "os/signal.loop"), true},
		{"signal.NotifyContext never stopped", frames("runtime.gopark", "runtime.selectgo", "os/signal.NotifyContext.func1"), false},
		{"trace reader", frames("runtime.ReadTrace", "runtime/trace.Start.func1"), true},
		{"cpu profile writer", frames("runtime/pprof.profileWriter"), true},
		{"user goroutine", frames("runtime.gopark", "example.com/p.worker"), false},
		{"user goroutine under testing frames", frames("example.com/p.TestA.func1", "testing.tRunner"), false},
		{"keep-alive connection", frames("internal/poll.runtime_pollWait", "net/http.(*persistConn).readLoop"), false},
		{"in a trace region", frames("example.com/p.work", "runtime/trace.WithRegion", "example.com/p.TestA.func1"), false},
		{"example output copier", frames("internal/poll.runtime_pollWait", "os.(*File).Read", "io.Copy", "testing.runExample.func1"), true},
		{"test goroutine in user code", frames("example.com/p.wait", "example.com/p.TestA", "testing.tRunner"), false},
		{"no frames", nil, false},
	}
	for _, tt := range tests {
		g := &profile.Goroutine{Frames: tt.frames, State: "chan receive"}
		if got := isMachinery(g); got != tt.want {
			t.Errorf("%s: isMachinery = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestNewcomers(t *testing.T) {
	worker := func(id int64, line int, labels map[string]string) *profile.Goroutine {
		return &profile.Goroutine{ID: id, Labels: labels, Frames: []profile.Frame{
			{Func: "example.com/p.block", Line: line},
			{Func: "example.com/p.worker", Line: 10},
		}}
	}
	// Two workers ran at the start, not yet started or blocked elsewhere.
	base := baseline{"example.com/p.worker": 2}
	now := &profile.Snapshot{Goroutines: []*profile.Goroutine{
		worker(30, 5, nil), // the newest
		worker(7, 5, nil),  // existed, has moved on
		worker(12, 6, nil), // existed, has moved on
		{ID: 40, Frames: []profile.Frame{{Func: "example.com/p.other"}}},
	}}
	var ids []int64
	for _, g := range newcomers(base, now, nil) {
		ids = append(ids, g.ID)
	}
	if len(ids) != 2 || ids[0] != 30 || ids[1] != 40 {
		t.Fatalf("newcomers = %v, want [30 40]", ids)
	}
}

func TestTakeBaseline(t *testing.T) {
	before := takeBaseline()["github.com/leakhound/leakhound/leakcheck.park.func1"]
	ps := []*parked{park(), park(), park()}
	after := takeBaseline()["github.com/leakhound/leakhound/leakcheck.park.func1"]
	for _, p := range ps {
		p.stop()
	}
	if after-before != 3 {
		t.Fatalf("the baseline counted %d new parked goroutines, want 3", after-before)
	}
}

func TestTopFunction(t *testing.T) {
	if f, ok := topFunction(frames("runtime.gopark", "runtime.chanrecv1", "example.com/p.f", "example.com/p.g")); !ok || f != "example.com/p.f" {
		t.Errorf("topFunction = %q, %v", f, ok)
	}
	if _, ok := topFunction(frames("runtime.gopark", "internal/runtime/x.y")); ok {
		t.Error("topFunction found a non-runtime frame in a runtime-only stack")
	}
}

func TestTestedPackage(t *testing.T) {
	for in, want := range map[string]string{
		"example.com/p":      "example.com/p",
		"example.com/p_test": "example.com/p",
		"":                   "",
	} {
		if got := testedPackage(in); got != want {
			t.Errorf("testedPackage(%q) = %q, want %q", in, got, want)
		}
	}
	if pkg := packageOfPC(pcOfThisTest()); !strings.HasSuffix(pkg, "/leakcheck") {
		t.Errorf("packageOfPC = %q", pkg)
	}
}

// pcOfThisTest returns a program counter inside this package's tests.
func pcOfThisTest() uintptr {
	pc, _, _, _ := runtime.Caller(0)
	return pc
}
