package report

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/srcfile"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report/internal/leaky"
)

// fixtureSource is a small Go file the fixture's goroutines block in, so
// the HTML has real source lines to show.
const fixtureSource = `package store

import "sync"

// Fetch starts a worker that sends its result on an unbuffered channel.
func Fetch(keys []string) string {
	ch := make(chan string)
	for _, k := range keys {
		go func() {
			ch <- load(k)
		}()
	}
	return <-ch
}

func (c *Cache) Get(k string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

var mu sync.Mutex
`

// fixtureReports builds two hand-made reports whose blocking lines point
// into a source file written under dir: a channel send leaked by two tests
// and a mutex wait without a pattern.
func fixtureReports(t testing.TB, dir, pkg string) []*Report {
	t.Helper()
	src := filepath.Join(dir, "store.go")
	if err := os.WriteFile(src, []byte(fixtureSource), 0o644); err != nil {
		t.Fatal(err)
	}
	send := profile.Frame{Func: pkg + ".Fetch.func1", File: src, Line: 10}
	created := profile.Frame{Func: pkg + ".Fetch", File: src, Line: 9}
	lock := profile.Frame{Func: pkg + ".(*Cache).Get", File: src, Line: 17}
	r1 := &Report{
		Title:   "TestFetch",
		Package: pkg,
		Total:   5,
		Groups: []*Group{
			{
				Reason: ReasonChanSend, State: "chan send", Count: 4, IDs: []int64{21, 22, 23, 24},
				Tests: []string{"TestFetch", "TestFetchMany"}, WaitMinutes: 2, Block: send, CreatedBy: &created,
				Stack: &profile.Goroutine{
					ID: 21, State: "chan send", Count: 1, CreatedBy: &created, ParentID: 7,
					Labels: map[string]string{"leakhound.test": "TestFetch"},
					Frames: []profile.Frame{{Func: "runtime.gopark", File: "/usr/local/go/src/runtime/proc.go", Line: 435}, {Func: "runtime.chansend1", File: "/usr/local/go/src/runtime/chan.go", Line: 161}, send},
				},
				Diagnosis: Diagnosis{
					PatternID: "LH001", Summary: "Sends on an unbuffered channel nobody receives from after the first result.",
					Evidence: []string{"wait state chan send", "`ch <- load(k)` at store.go:10", "only one receive <-ch at store.go:13"}, FromSource: true,
				},
			},
			{
				Reason: ReasonMutex, State: "sync.Mutex.Lock", Count: 1, IDs: []int64{30}, Tests: []string{"TestFetch"}, Block: lock,
				Stack:     &profile.Goroutine{ID: 30, State: "sync.Mutex.Lock", Count: 1, Frames: []profile.Frame{{Func: "sync.(*Mutex).Lock", File: "/usr/local/go/src/sync/mutex.go", Line: 46}, lock}},
				Diagnosis: Diagnosis{Summary: "Waits for a mutex that is never unlocked."},
			},
		},
	}
	r2 := &Report{
		Title: "TestIdle", Package: pkg, Total: 2,
		Groups: []*Group{{
			Reason: ReasonSelectNoCases, State: "select (no cases)", Count: 2, Tests: []string{"TestIdle"},
			Block: profile.Frame{Func: pkg + ".idle", File: "/nonexistent/idle.go", Line: 3},
		}},
	}
	// Built by hand, not by New: let them read the fixture's source as a
	// report New built over dir would.
	r1.sources, r2.sources = srcfile.New(dir), srcfile.New(dir)
	return []*Report{r1, r2}
}

func fixtureFrame(fn string, line int) profile.Frame {
	return profile.Frame{Func: fn, File: "/src/" + fn + ".go", Line: line}
}

// realLeak starts one shape of leak from internal/leaky, as a test of the
// user's would.
type realLeak struct {
	test    string
	creator string // the leaky function whose go statements start them
	count   int    // goroutines it leaves blocked
	start   func() (release func())
}

var realLeaks = []realLeak{
	{"TestFetchResult", "RecvNoSender", 1, leaky.RecvNoSender},
	{"TestPool", "WorkerPool", 3, func() func() { return leaky.WorkerPool(3, []int{1, 2}) }},
	{"TestCounter", "MutexHeld", 1, leaky.MutexHeld},
	{"TestBatch", "WaitGroupNoDone", 1, leaky.WaitGroupNoDone},
	{"TestTimeout", "SendAfterTimeout", 1, leaky.SendAfterTimeout},
	{"TestTimeout", "SendAfterTimeout", 1, leaky.SendAfterTimeout},
}

// realReports runs the leaks of realLeaks, captures them once all are
// blocked and builds one report per test with New, as leakcheck does. The
// goroutines are released when the test ends.
func realReports(t testing.TB) []*Report {
	t.Helper()
	want := map[string]int{}
	for _, l := range realLeaks {
		release := l.start()
		t.Cleanup(release)
		want[leakyPath+l.creator] += l.count
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	var mine []*profile.Goroutine
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		snap, err := profile.Capture()
		if err != nil {
			t.Fatal(err)
		}
		mine = mine[:0]
		got := map[string]int{}
		blocked := true
		for _, g := range snap.Goroutines {
			if g.CreatedBy == nil || want[g.CreatedBy.Func] == 0 {
				continue
			}
			mine = append(mine, g)
			got[g.CreatedBy.Func]++
			blocked = blocked && g.State != "running" && g.State != "runnable"
		}
		if blocked && maps.Equal(got, want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("leaked goroutines did not all block: got %v, want %v", got, want)
		}
	}
	var reports []*Report
	for _, l := range realLeaks {
		if len(reports) > 0 && reports[len(reports)-1].Title == l.test {
			continue
		}
		var leaks []Leak
		for _, g := range mine {
			for _, m := range realLeaks {
				if m.test == l.test && g.CreatedBy.Func == leakyPath+m.creator {
					leaks = append(leaks, Leak{Goroutine: g, Test: l.test, Attribution: "creator"})
					break
				}
			}
		}
		reports = append(reports, newExplained(leaks, Options{Title: l.test, Package: strings.TrimSuffix(leakyPath, "."), ModuleRoot: root}))
	}
	return reports
}

// leakyPath prefixes the functions of internal/leaky.
const leakyPath = "github.com/leakhound/leakhound/report/internal/leaky."
