package report

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report/internal/leaky"
)

// These tests run real leaking code from internal/leaky, capture the
// goroutines, build a report and check the diagnosis: the pattern ID and
// the blocking line, found through the "leak:here" marker in the source.

const (
	// testLabel is the pprof label key marking the goroutines a test
	// started; the captured goroutines are filtered on it.
	testLabel = "leakhound.report.test"
	// childEnv names the leak a child process runs, for leaks nothing can
	// release: the child prints its goroutines and exits.
	childEnv = "LEAKHOUND_REPORT_CHILD"
	// leakyPkg prefixes the functions of internal/leaky.
	leakyPkg = "github.com/leakhound/leakhound/report/internal/leaky."
	// settleTimeout is how long a test waits for leaked goroutines to
	// block; generous, because a loaded -race machine is slow.
	settleTimeout = 20 * time.Second
)

func TestMain(m *testing.M) {
	// Labels in traceback text, so the captured goroutines can be told
	// apart by the test that started them (Go 1.26 defaults it off).
	if !strings.Contains(os.Getenv("GODEBUG"), "tracebacklabels") {
		godebug := os.Getenv("GODEBUG")
		if godebug != "" {
			godebug += ","
		}
		os.Setenv("GODEBUG", godebug+"tracebacklabels=1")
	}
	if name := os.Getenv(childEnv); name != "" {
		os.Exit(runChild(name))
	}
	os.Exit(m.Run())
}

// marker is one "leak:here" comment in internal/leaky.
type marker struct {
	file string // absolute
	line int
}

// markers returns the lines marked "leak:here <id>", in file order.
func markers(t testing.TB, id string) []marker {
	t.Helper()
	dir, err := filepath.Abs("internal/leaky")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []marker
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for n := 1; sc.Scan(); n++ {
			if strings.HasSuffix(strings.TrimSpace(sc.Text()), "// leak:here "+id) {
				out = append(out, marker{file: f, line: n})
			}
		}
		fh.Close()
	}
	if len(out) == 0 {
		t.Fatalf("no leak:here %s marker in %s", id, dir)
	}
	return out
}

func moduleRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("module root not found above the report package: %v", err)
	}
	return dir
}

// atMarker reports whether g has a frame at m and is blocked, not running
// towards it.
func atMarker(g *profile.Goroutine, m marker) bool {
	if g.State == "running" || g.State == "runnable" {
		return false
	}
	for _, f := range g.Frames {
		if f.File == m.file && f.Line == m.line {
			return true
		}
	}
	return false
}

// captureLabelled captures this process's goroutines carrying the test's
// label until ready accepts them.
func captureLabelled(t *testing.T, label string, ready func([]*profile.Goroutine) bool) []*profile.Goroutine {
	t.Helper()
	deadline := time.Now().Add(settleTimeout)
	for {
		snap, err := profile.Capture()
		if err != nil {
			t.Fatalf("capturing goroutines: %v", err)
		}
		var mine []*profile.Goroutine
		for _, g := range snap.Goroutines {
			if g.Labels[testLabel] == label {
				mine = append(mine, g)
			}
		}
		if ready(mine) {
			return mine
		}
		if time.Now().After(deadline) {
			t.Fatalf("the leaked goroutines did not block within %v; captured %d labelled goroutines", settleTimeout, len(mine))
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// startLabelled runs start with the test's label, so every goroutine it
// starts (and those they start) carries it.
func startLabelled(t *testing.T, start func() func()) (release func()) {
	t.Helper()
	pprof.Do(context.Background(), pprof.Labels(testLabel, t.Name()), func(context.Context) {
		release = start()
	})
	return release
}

func buildReport(t *testing.T, gs []*profile.Goroutine) *Report {
	t.Helper()
	leaks := make([]Leak, len(gs))
	for i, g := range gs {
		leaks[i] = Leak{Goroutine: g, Test: t.Name()}
	}
	return newExplained(leaks, Options{Title: t.Name(), ModuleRoot: moduleRoot(t)})
}

// groupAt returns the group blocking at m.
func groupAt(t *testing.T, r *Report, m marker) *Group {
	t.Helper()
	for _, g := range r.Groups {
		if g.Block.File == m.file && g.Block.Line == m.line {
			return g
		}
	}
	var sb strings.Builder
	r.WriteText(&sb)
	t.Fatalf("no group blocks at %s:%d; report:\n%s", m.file, m.line, sb.String())
	return nil
}

func TestRealLeaks(t *testing.T) {
	mustStart := func(f func() (func(), error)) func() func() {
		return func() func() {
			release, err := f()
			if err != nil {
				panic(fmt.Sprintf("starting the leak: %v", err))
			}
			return release
		}
	}
	tests := []struct {
		pattern string
		reason  Reason
		count   int // goroutines at each marker
		start   func() func()
		variant string // the marker's "/variant" suffix, when the pattern has several shapes
	}{
		{PatternRecvNoSender, ReasonChanReceive, 1, leaky.RecvNoSender, ""},
		{PatternRangeUnclosed, ReasonChanReceive, 3, func() func() { return leaky.WorkerPool(3, []int{1, 2, 3, 4}) }, ""},
		{PatternSendNoReceiver, ReasonChanSend, 1, leaky.SendAfterTimeout, ""},
		{PatternSelectNoExit, ReasonSelect, 1, leaky.Dispatcher, ""},
		{PatternContextNeverDone, ReasonSelect, 1, leaky.WatchBackground, ""},
		{PatternContextNeverDone, ReasonChanReceive, 1, leaky.CleanupOnCancel, "/bare-done"},
		{PatternHTTPHandlerCtx, ReasonChanReceive, 1, mustStart(leaky.HandlerIgnoresContext), ""},
		{PatternMutualWait, ReasonChanSend, 1, leaky.PingPong, ""},
		{PatternMutexHeld, ReasonMutex, 1, leaky.MutexHeld, ""},
		{PatternWaitGroup, ReasonWaitGroup, 1, leaky.WaitGroupNoDone, ""},
		{PatternCondNoSignal, ReasonCond, 1, leaky.CondNoBroadcast, ""},
		{PatternSleepLoop, ReasonSleep, 1, leaky.SleepLoop, ""},
		{PatternTickerLoop, ReasonChanReceive, 1, leaky.TickerLoop, ""},
		{PatternIONoDeadline, ReasonIOWait, 1, mustStart(leaky.ReadNoDeadline), ""},
		{PatternPullNotStopped, ReasonCoroutine, 1, leaky.PullAbandoned, ""},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+tt.variant, func(t *testing.T) {
			ms := markers(t, tt.pattern+tt.variant)
			release := startLabelled(t, tt.start)
			released := false
			defer func() {
				if !released {
					release()
				}
			}()
			gs := captureLabelled(t, t.Name(), parkedAtEach(ms, tt.count))
			r := buildReport(t, gs)
			for _, m := range ms {
				g := groupAt(t, r, m)
				t.Logf("%s\n\t%s", g.Diagnosis.Summary, strings.Join(g.Diagnosis.Evidence, "\n\t"))
				if g.Diagnosis.PatternID != tt.pattern {
					t.Errorf("group at line %d: pattern %s (%s), want %s\nevidence: %q", m.line,
						g.Diagnosis.PatternID, g.Diagnosis.Summary, tt.pattern, g.Diagnosis.Evidence)
				}
				if g.Reason != tt.reason {
					t.Errorf("group at line %d: reason %s, want %s", m.line, g.Reason, tt.reason)
				}
				if g.Count != tt.count {
					t.Errorf("group at line %d: count %d, want %d", m.line, g.Count, tt.count)
				}
				if !g.Diagnosis.FromSource && tt.pattern != PatternPullNotStopped {
					t.Errorf("group at line %d: diagnosis not from source: %q", m.line, g.Diagnosis.Evidence)
				}
				if len(g.Tests) != 1 || g.Tests[0] != t.Name() {
					t.Errorf("group at line %d: tests %q, want [%s]", m.line, g.Tests, t.Name())
				}
			}
			released = true
			release()
			// Released means gone: no labelled goroutine may stay at a marker.
			captureLabelled(t, t.Name(), func(gs []*profile.Goroutine) bool {
				for _, g := range gs {
					for _, m := range ms {
						if atMarker(g, m) {
							return false
						}
					}
				}
				return true
			})
		})
	}
}

// TestRealLeaksHTTPLoops checks the leaks whose goroutines never enter the
// user's code: the stack names them.
func TestRealLeaksHTTPLoops(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		block   string // function of the blocking frame, or its prefix
		start   func() (func(), error)
	}{
		{"body-not-closed", PatternHTTPClientConn, "net/http.(*persistConn).readLoop", leaky.BodyNotClosed},
		{"server-not-closed", PatternHTTPTestServer, "net/http/httptest.(*Server).goServe",
			func() (func(), error) { return leaky.ServerNotClosed(), nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			release := startLabelled(t, func() func() {
				var rel func()
				rel, err = tt.start()
				return rel
			})
			if err != nil {
				t.Fatalf("starting the leak: %v", err)
			}
			defer release()
			has := func(gs []*profile.Goroutine) bool {
				for _, g := range gs {
					if bi := BlockIndex(g.Frames); bi >= 0 && strings.HasPrefix(g.Frames[bi].Func, tt.block) {
						return true
					}
				}
				return false
			}
			r := buildReport(t, captureLabelled(t, t.Name(), has))
			found := false
			for _, g := range r.Groups {
				if !strings.HasPrefix(g.Block.Func, tt.block) {
					continue
				}
				found = true
				if g.Diagnosis.PatternID != tt.pattern {
					t.Errorf("%s: pattern %s (%s), want %s", tt.block, g.Diagnosis.PatternID, g.Diagnosis.Summary, tt.pattern)
				}
			}
			if !found {
				t.Fatalf("no group blocks in %s", tt.block)
			}
		})
	}
}

// childLeaks are the leaks nothing can release; a child process runs them.
var childLeaks = map[string]struct {
	run   func()
	ready func(*profile.Snapshot) bool
}{
	"nil-chan":     {run: leaky.NilReceive},
	"empty-select": {run: leaky.EmptySelect},
	"recursive-rlock": {run: func() {
		leaky.RecursiveRLock(func() {
			waitFor(func(s *profile.Snapshot) bool { return hasState(s, "sync.RWMutex.Lock") })
		})
	}},
}

func hasState(s *profile.Snapshot, state string) bool {
	for _, g := range s.Goroutines {
		if g.State == state && g.CreatedBy != nil && strings.HasPrefix(g.CreatedBy.Func, leakyPkg) {
			return true
		}
	}
	return false
}

func waitFor(ok func(*profile.Snapshot) bool) bool {
	deadline := time.Now().Add(settleTimeout)
	for time.Now().Before(deadline) {
		if s, err := profile.Capture(); err == nil && ok(s) {
			return true
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}

// runChild runs one unreleasable leak, waits until its goroutines block
// where marked, and prints the process's goroutines.
func runChild(name string) int {
	c, ok := childLeaks[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "unknown child leak %q\n", name)
		return 2
	}
	c.run()
	settled := waitFor(func(s *profile.Snapshot) bool {
		blocked := 0
		for _, g := range s.Goroutines {
			if g.CreatedBy != nil && strings.HasPrefix(g.CreatedBy.Func, leakyPkg) {
				if g.State == "running" || g.State == "runnable" {
					return false
				}
				blocked++
			}
		}
		return blocked > 0
	})
	if !settled {
		fmt.Fprintln(os.Stderr, "leaked goroutines did not block")
		return 1
	}
	// Another moment for a second goroutine to reach its deadlock.
	time.Sleep(20 * time.Millisecond)
	if os.Getenv(childEnv+"_PROFILE") == "goroutineleak" {
		// The runtime's own proof: its leak detector marks the goroutines
		// nothing reachable can unblock.
		p := pprof.Lookup("goroutineleak")
		if p == nil {
			fmt.Fprintln(os.Stderr, "no goroutineleak profile in this runtime")
			return 3
		}
		runtime.GC()
		if err := p.WriteTo(os.Stdout, 2); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return 0
	}
	buf := make([]byte, 1<<20)
	os.Stdout.Write(buf[:runtime.Stack(buf, true)])
	return 0
}

// runChildDump runs a child leak and returns the goroutines it printed
// that internal/leaky started.
func runChildDump(t *testing.T, child string, env ...string) []*profile.Goroutine {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), childEnv+"="+child), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child %s: %v", child, err)
	}
	snap, err := profile.ParseBytes(out)
	if err != nil {
		t.Fatalf("parsing the child's dump: %v", err)
	}
	var gs []*profile.Goroutine
	for _, g := range snap.Goroutines {
		if g.CreatedBy != nil && strings.HasPrefix(g.CreatedBy.Func, leakyPkg) {
			gs = append(gs, g)
		}
	}
	return gs
}

// TestProvenLeaks runs a leak the runtime can prove (a receive from a nil
// channel) under the goroutineleak profile, where the runtime has one, and
// checks the report counts and shows the proof.
func TestProvenLeaks(t *testing.T) {
	if !profile.LeakProfileAvailable() {
		t.Skip("no goroutineleak profile in this runtime (Go 1.26 without GOEXPERIMENT=goroutineleakprofile)")
	}
	ms := markers(t, PatternNilChannel)
	gs := runChildDump(t, "nil-chan", childEnv+"_PROFILE=goroutineleak")
	r := buildReport(t, gs)
	g := groupAt(t, r, ms[0])
	if g.Leaked != g.Count || g.Count != 1 {
		t.Errorf("group: %d goroutines, %d proven leaked; want 1 and 1", g.Count, g.Leaked)
	}
	var sb strings.Builder
	if err := r.WriteText(&sb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sb.String(), "1 proven leaked by the runtime") {
		t.Errorf("the text does not show the runtime's proof:\n%s", sb.String())
	}
}

func TestRealLeaksInChild(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	tests := []struct {
		child   string
		pattern string
		reason  Reason
	}{
		{"nil-chan", PatternNilChannel, ReasonChanReceiveNil},
		{"empty-select", PatternEmptySelect, ReasonSelectNoCases},
		{"recursive-rlock", PatternRWMutexDeadlock, ReasonRWMutexRLock},
	}
	for _, tt := range tests {
		t.Run(tt.child, func(t *testing.T) {
			ms := markers(t, tt.pattern)
			r := buildReport(t, runChildDump(t, tt.child))
			g := groupAt(t, r, ms[0])
			if g.Diagnosis.PatternID != tt.pattern || g.Reason != tt.reason {
				t.Errorf("pattern %s reason %s, want %s %s (%s; %q)", g.Diagnosis.PatternID, g.Reason,
					tt.pattern, tt.reason, g.Diagnosis.Summary, g.Diagnosis.Evidence)
			}
		})
	}
}

// parkedAtEach is a captureLabelled condition: at least count goroutines
// stand at every one of the markers.
func parkedAtEach(ms []marker, count int) func([]*profile.Goroutine) bool {
	return func(gs []*profile.Goroutine) bool {
		for _, m := range ms {
			n := 0
			for _, g := range gs {
				if atMarker(g, m) {
					n++
				}
			}
			if n < count {
				return false
			}
		}
		return true
	}
}
