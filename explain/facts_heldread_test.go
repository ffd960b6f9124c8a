package explain

import (
	"path/filepath"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// heldReadSource takes a read lock again while holding it: behind a
// waiting writer the inner RLock blocks, and the writer waits for the
// outer read lock's release.
const heldReadSource = `package x

import "sync"

type limiter struct {
	mu  sync.RWMutex
	max int
}

func (l *limiter) get() int {
	l.mu.RLock() // mark:inner
	defer l.mu.RUnlock()
	return l.max
}

func (l *limiter) each(f func(int)) {
	l.mu.RLock() // mark:outer
	defer l.mu.RUnlock() // mark:release
	f(l.get()) // mark:call
}
`

// TestHeldReadLockRelease checks that a recursive read lock names, among
// its partners, the release of the read lock its goroutine already holds.
func TestHeldReadLockRelease(t *testing.T) {
	path, m := writeSource(t, heldReadSource)
	g := &profile.Goroutine{State: "sync.RWMutex.RLock", Frames: []profile.Frame{
		{Func: "sync.(*RWMutex).RLock", File: "/go/src/sync/rwmutex.go", Line: 1},
		{Func: "example.com/x.(*limiter).get", File: path, Line: m["inner"]},
		{Func: "example.com/x.(*limiter).each", File: path, Line: m["call"]}}}
	r := explained([]report.Leak{{Goroutine: g}}, report.Options{ModuleRoot: filepath.Dir(path)}, Options{})
	f := r.Groups[0].Diagnosis.Facts
	found := false
	for _, p := range f.Partners {
		found = found || p.Kind == "runlock" && p.Line == m["release"]
	}
	if !found {
		t.Errorf("the held read lock's release at line %d is not a partner: %+v (held %+v)", m["release"], f.Partners, f.Held)
	}
}
