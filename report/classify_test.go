package report

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// readStateList reads a checked-in list of runtime wait states, one per
// line, '#' starting a comment.
func readStateList(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestClassifyCoversCheckedInWaitReasons(t *testing.T) {
	lists, err := filepath.Glob("testdata/waitreasons/go*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(lists) < 2 {
		t.Fatalf("want the Go 1.26 and 1.27 lists in testdata/waitreasons, found %q", lists)
	}
	for _, list := range lists {
		states := readStateList(t, list)
		if len(states) < 40 {
			t.Fatalf("%s: only %d states; the list looks cut", list, len(states))
		}
		for _, s := range states {
			if r := Classify(&profile.Goroutine{State: s}); r == ReasonUnknown {
				t.Errorf("%s: state %q classifies as unknown", filepath.Base(list), s)
			}
		}
	}
}

// runtimeStrings extracts the quoted values of a Go composite literal
// `var name = [...]string{ key: "value", … }` from source text.
func runtimeStrings(src, name string) []string {
	start := strings.Index(src, "var "+name+" = [...]string{")
	if start < 0 {
		return nil
	}
	end := strings.Index(src[start:], "\n}")
	if end < 0 {
		return nil
	}
	var out []string
	for _, m := range regexp.MustCompile(`:\s*"([^"]*)"`).FindAllStringSubmatch(src[start:start+end], -1) {
		if m[1] != "" {
			out = append(out, m[1])
		}
	}
	return out
}

// goroot finds the running toolchain's GOROOT, or "" when its source is
// not around. The go command on PATH is normally the one running the test
// (go test puts its GOROOT/bin first); its version is checked against the
// runtime's so another installation's source is never read by mistake.
func goroot() string {
	out, err := exec.Command("go", "env", "GOROOT", "GOVERSION").Output()
	if err != nil {
		return ""
	}
	fields := strings.Fields(string(out))
	if len(fields) != 2 || fields[1] != runtime.Version() {
		return ""
	}
	if _, err := os.Stat(filepath.Join(fields[0], "src", "runtime", "runtime2.go")); err != nil {
		return ""
	}
	return fields[0]
}

// TestClassifyCoversLiveRuntime reads the wait states of the Go that runs
// the test from its own source: a new Go version that adds a state fails
// here until the state is mapped (and its list checked in).
func TestClassifyCoversLiveRuntime(t *testing.T) {
	root := goroot()
	if root == "" {
		t.Skip("the running toolchain's runtime source is not readable")
	}
	rt2, err := os.ReadFile(filepath.Join(root, "src", "runtime", "runtime2.go"))
	if err != nil {
		t.Fatal(err)
	}
	states := runtimeStrings(string(rt2), "waitReasonStrings")
	if len(states) < 40 {
		t.Fatalf("found %d wait reasons in %s/src/runtime/runtime2.go; has the table moved?", len(states), root)
	}
	if tb, err := os.ReadFile(filepath.Join(root, "src", "runtime", "traceback.go")); err == nil {
		states = append(states, runtimeStrings(string(tb), "gStatusStrings")...)
	}
	for _, s := range states {
		if r := Classify(&profile.Goroutine{State: s}); r == ReasonUnknown {
			t.Errorf("Go at %s prints wait state %q, which Classify does not know: map it in classify.go "+
				"and check in its list under testdata/waitreasons", root, s)
		}
	}
}

func frames(funcs ...string) []profile.Frame {
	out := make([]profile.Frame, len(funcs))
	for i, f := range funcs {
		out[i] = profile.Frame{Func: f, File: "/src/x.go", Line: i + 1}
	}
	return out
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		g    *profile.Goroutine
		want Reason
	}{
		{"chan receive", &profile.Goroutine{State: "chan receive"}, ReasonChanReceive},
		{"chan send", &profile.Goroutine{State: "chan send"}, ReasonChanSend},
		{"nil receive", &profile.Goroutine{State: "chan receive (nil chan)"}, ReasonChanReceiveNil},
		{"nil send", &profile.Goroutine{State: "chan send (nil chan)"}, ReasonChanSendNil},
		{"select", &profile.Goroutine{State: "select"}, ReasonSelect},
		{"empty select", &profile.Goroutine{State: "select (no cases)"}, ReasonSelectNoCases},
		{"durable receive keeps the operation", &profile.Goroutine{State: "chan receive", Durable: true}, ReasonChanReceive},
		{"durable suffix left in", &profile.Goroutine{State: "select (durable)"}, ReasonSelect},
		{"leaked marker left in", &profile.Goroutine{State: "chan send (leaked)"}, ReasonChanSend},
		{"synctest.Wait", &profile.Goroutine{State: "synctest.Wait"}, ReasonSynctest},
		{"mutex state", &profile.Goroutine{State: "sync.Mutex.Lock"}, ReasonMutex},
		{"mutex inside RWMutex.Lock", &profile.Goroutine{State: "sync.Mutex.Lock",
			Frames: frames("sync.runtime_SemacquireMutex", "internal/sync.(*Mutex).Lock", "sync.(*Mutex).Lock",
				"sync.(*RWMutex).Lock", "example.com/app.(*Cache).Set")}, ReasonRWMutexLock},
		{"semacquire under WaitGroup.Wait", &profile.Goroutine{State: "semacquire",
			Frames: frames("sync.runtime_Semacquire", "sync.(*WaitGroup).Wait", "example.com/app.run")}, ReasonWaitGroup},
		{"semacquire under Mutex.Lock", &profile.Goroutine{State: "semacquire",
			Frames: frames("sync.runtime_SemacquireMutex", "sync.(*Mutex).Lock", "example.com/app.run")}, ReasonMutex},
		{"semacquire under RWMutex.RLock", &profile.Goroutine{State: "semacquire",
			Frames: frames("sync.runtime_SemacquireRWMutexR", "sync.(*RWMutex).RLock", "main.read")}, ReasonRWMutexRLock},
		{"semacquire elsewhere", &profile.Goroutine{State: "semacquire",
			Frames: frames("sync.runtime_Semacquire", "example.com/app.acquire")}, ReasonSemaphore},
		{"user frame ends the stack search", &profile.Goroutine{State: "semacquire",
			Frames: frames("sync.runtime_Semacquire", "example.com/app.acquire", "sync.(*WaitGroup).Wait")}, ReasonSemaphore},
		{"Cond", &profile.Goroutine{State: "sync.Cond.Wait"}, ReasonCond},
		{"IO wait", &profile.Goroutine{State: "IO wait"}, ReasonIOWait},
		{"sleep", &profile.Goroutine{State: "sleep"}, ReasonSleep},
		{"syscall", &profile.Goroutine{State: "syscall"}, ReasonSyscall},
		{"running", &profile.Goroutine{State: "running"}, ReasonRunning},
		{"runnable", &profile.Goroutine{State: "runnable"}, ReasonRunning},
		{"coroutine", &profile.Goroutine{State: "coroutine"}, ReasonCoroutine},
		{"GC worker", &profile.Goroutine{State: "GC worker (idle)"}, ReasonRuntime},
		{"waiting with a receive on the stack", &profile.Goroutine{State: "waiting",
			Frames: frames("runtime.gopark", "runtime.chanrecv", "runtime.chanrecv1", "main.f")}, ReasonChanReceive},
		{"waiting, nothing known", &profile.Goroutine{State: "waiting", Frames: frames("main.f")}, ReasonRuntime},
		{"profile: receive", &profile.Goroutine{Frames: frames("runtime.gopark", "runtime.chanrecv1", "main.f")}, ReasonChanReceive},
		{"profile: send", &profile.Goroutine{Frames: frames("runtime.gopark", "runtime.chansend1", "main.f")}, ReasonChanSend},
		{"profile: select", &profile.Goroutine{Frames: frames("runtime.gopark", "runtime.selectgo", "main.f")}, ReasonSelect},
		{"profile: select {}", &profile.Goroutine{Frames: frames("runtime.gopark", "runtime.block", "main.f")}, ReasonSelectNoCases},
		{"profile: network", &profile.Goroutine{Frames: frames("runtime.gopark", "runtime.netpollblock",
			"internal/poll.runtime_pollWait", "internal/poll.(*FD).Read", "net.(*conn).Read", "main.f")}, ReasonIOWait},
		{"profile: sleep", &profile.Goroutine{Frames: frames("runtime.gopark", "time.Sleep", "main.f")}, ReasonSleep},
		{"profile: syscall", &profile.Goroutine{Frames: frames("syscall.Syscall", "syscall.read", "os.(*File).Read", "main.f")}, ReasonSyscall},
		{"profile: HTTP client round trip selects", &profile.Goroutine{Frames: frames("runtime.gopark", "runtime.selectgo",
			"net/http.(*persistConn).roundTrip", "net/http.(*Transport).roundTrip", "main.get")}, ReasonSelect},
		{"profile: nothing known", &profile.Goroutine{Frames: frames("main.f")}, ReasonUnknown},
		{"unknown state kept unknown", &profile.Goroutine{State: "frobnicating", Frames: frames("main.f")}, ReasonUnknown},
		{"unknown state, stack knows", &profile.Goroutine{State: "frobnicating",
			Frames: frames("sync.(*Cond).Wait", "main.f")}, ReasonCond},
		{"nil goroutine", nil, ReasonUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Classify(tt.g); got != tt.want {
				t.Errorf("Classify = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestUnknownStateKeptVerbatim(t *testing.T) {
	g := &profile.Goroutine{ID: 7, State: "frobnicating widgets", Frames: frames("main.f"), Count: 1}
	r := New([]Leak{{Goroutine: g}}, Options{NoSource: true})
	if len(r.Groups) != 1 {
		t.Fatalf("got %d groups, want 1", len(r.Groups))
	}
	grp := r.Groups[0]
	if grp.Reason != ReasonUnknown || grp.State != "frobnicating widgets" {
		t.Errorf("reason %s state %q, want unknown and the state verbatim", grp.Reason, grp.State)
	}
	if grp.Diagnosis.PatternID != PatternUnknown {
		t.Errorf("pattern %s, want %s", grp.Diagnosis.PatternID, PatternUnknown)
	}
}
