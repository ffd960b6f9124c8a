package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/leakhound/leakhound/profile"
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
					Evidence: []string{"wait state chan send", "ch <- load(k) at store.go:10", "only one receive <-ch at store.go:13"}, FromSource: true,
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
	return []*Report{r1, r2}
}

func fixtureFrame(fn string, line int) profile.Frame {
	return profile.Frame{Func: fn, File: "/src/" + fn + ".go", Line: line}
}
