package leakcheck

import (
	"runtime"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// TestNewLabelValue: values made for the same name never repeat, and read
// back as the name.
func TestNewLabelValue(t *testing.T) {
	a, b := newLabelValue("TestX"), newLabelValue("TestX")
	if a == b || profile.TestOfLabel(a) != "TestX" || profile.TestOfLabel(b) != "TestX" {
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

// TestStandsOn: a check stands on the latest look only when the creation
// count proves every goroutine running now is in it, or is the caller.
func TestStandsOn(t *testing.T) {
	look := &idLook{created: 100, ids: []int64{1, 5, 9, 40}}
	for _, tt := range []struct {
		name    string
		l       *idLook
		created uint64
		self    int64
		want    bool
	}{
		{"no look yet", nil, 100, 41, false},
		{"nothing created since", look, 100, 9, true},
		{"only the caller created since", look, 101, 41, true},
		{"one created since, not the caller", look, 101, 9, false},
		{"one created since, caller unknown", look, 101, 0, false},
		{"two created since", look, 102, 41, false},
		{"a look newer than the count", look, 99, 41, false},
	} {
		if got := standsOn(tt.l, tt.created, tt.self); got != tt.want {
			t.Errorf("%s: standsOn = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestIDsAtCheck: the IDs at Check hold every goroutine running then,
// whether taken anew or stood on, and none started after.
func TestIDsAtCheck(t *testing.T) {
	ps := []*parked{park(), park(), park()}
	defer func() {
		for _, p := range ps {
			p.stop()
		}
	}()
	l := idsAtCheck(profile.CaptureIDs, profile.CurrentID())
	now := profile.CaptureIDs(nil)
	for _, id := range now {
		if !l.has(id) {
			t.Errorf("goroutine %d ran at Check but is not among its IDs", id)
		}
	}
	lateID, release := make(chan int64), make(chan struct{})
	defer close(release)
	go func() {
		lateID <- profile.CurrentID()
		<-release
	}()
	late := <-lateID
	after := idsAtCheck(profile.CaptureIDs, profile.CurrentID())
	if l.has(late) {
		t.Errorf("goroutine %d, started after the look, is among its IDs", late)
	}
	if !after.has(late) {
		t.Errorf("goroutine %d is missing from a look taken after it started", late)
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

// TestOwnerCreatorAliveAtCheck: a goroutine without a label, new since
// Check, is not the test's when its creator existed at Check, whether that
// creator still runs or has returned (found by the long differential run,
// seed group 3052944–3052947: another test's goroutines, started by a
// goroutine that had returned, were blamed on a check that ran alone). What
// the runtime's own goroutines start, and what a creator new since Check
// that has returned started, stay orphans; what the test goroutine started
// is the test's.
func TestOwnerCreatorAliveAtCheck(t *testing.T) {
	const testGID = 10
	before := &idLook{ids: []int64{1, 2, 3, testGID}}
	user := func(id, parent int64) *profile.Goroutine {
		return &profile.Goroutine{ID: id, ParentID: parent, State: "chan receive", Frames: frames("example.com/p.work")}
	}
	finalizer := &profile.Goroutine{ID: 3, State: "finalizer wait", Frames: frames("runtime.gopark", "runtime.runfinq")}
	for _, tt := range []struct {
		name string
		g    *profile.Goroutine
		also []*profile.Goroutine
		want profile.Attribution
	}{
		{"creator alive at Check, returned", user(20, 2), nil, ""},
		{"creator alive at Check, still running", user(20, 1), []*profile.Goroutine{user(1, 0)}, ""},
		{"creator the test goroutine", user(20, testGID), nil, profile.ByCreator},
		{"created by the runtime's timer", user(20, 0), nil, byOrphan},
		{"created by the finalizer goroutine", user(20, 3), []*profile.Goroutine{finalizer}, byOrphan},
		{"creator new since Check, returned", user(20, 15), nil, byOrphan},
		{"creator new since Check, the test's", user(20, 15), []*profile.Goroutine{user(15, testGID)}, profile.ByCreator},
		{"alive at Check itself", user(2, 15), nil, ""},
	} {
		s := &profile.Snapshot{Goroutines: append([]*profile.Goroutine{tt.g}, tt.also...)}
		if got := newOwner("lbl", testGID, before, s).of(tt.g); got != tt.want {
			t.Errorf("%s: attribution %q, want %q", tt.name, got, tt.want)
		}
	}
}
