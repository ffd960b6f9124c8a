package report

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/leakhound/leakhound/internal/srcfile"
)

const heldRLockSource = `package p

import "sync"

type c struct{ mu sync.RWMutex }

func (x *c) closureReleases(get func()) {
	work := func() {
		x.mu.RLock() // mark:closure-lock
		defer x.mu.RUnlock()
		get()
	}
	for {
		work() // mark:closure-call
	}
}

func (x *c) outerHolds(inner func()) {
	x.mu.RLock() // mark:outer-lock
	defer x.mu.RUnlock()
	inner() // mark:outer-call
}

func (x *c) releasedBefore(inner func()) {
	x.mu.RLock()
	x.mu.RUnlock()
	inner() // mark:released-call
}
`

// TestHeldRLocks checks which read locks a frame holds at its line: one its
// own body took before the line with only a deferred release, not one a
// closure inside it took (the closure's frame released it when it
// returned), nor one released before the line.
func TestHeldRLocks(t *testing.T) {
	path, m := writeSource(t, heldRLockSource)
	f := newSourceCache(srcfile.New(filepath.Dir(path))).file(path)
	if f == nil {
		t.Fatal("source not read")
	}
	for _, tt := range []struct {
		call string
		want []int
	}{
		{"closure-call", nil},
		{"outer-call", []int{m["outer-lock"]}},
		{"released-call", nil},
	} {
		s := f.locate(m[tt.call])
		if s == nil {
			t.Fatalf("%s: no site", tt.call)
		}
		if got := f.heldRLocks(s.fn, "mu", m[tt.call]); !slices.Equal(got, tt.want) {
			t.Errorf("%s: held read locks at lines %v, want %v", tt.call, got, tt.want)
		}
	}
}
