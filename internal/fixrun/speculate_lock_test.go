package fixrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// lockSrc has the two lock shapes of the lock candidates: a send while a
// lock is held (send), and a lock taken again by a callee while its caller
// holds it (refresh → count).
const lockSrc = `package p

import "sync"

type store struct {
	mu sync.Mutex
	n  int
	ch chan int
}

func (s *store) send() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ch <- s.n
}

func (s *store) refresh() {
	s.mu.Lock()
	if s.n > 0 {
		s.n = s.count()
	}
	s.mu.Unlock()
}

func (s *store) count() int {
	s.mu.Lock() // waits for itself
	defer s.mu.Unlock()
	return s.n + 1
}

type other struct{ mu sync.Mutex }

func (o *other) also(s *store) {
	o.mu.Lock()
	s.count()
	o.mu.Unlock()
}
`

// writeLockSrc writes lockSrc into a module directory of its own.
func writeLockSrc(t *testing.T) (module, file string) {
	t.Helper()
	module = t.TempDir()
	file = filepath.Join(module, "p.go")
	if err := os.WriteFile(file, []byte(lockSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	return module, file
}

func TestUnlockCandidates(t *testing.T) {
	module, file := writeLockSrc(t)
	s := &session{module: module}
	at := func(fn string, line int) profile.Frame { return profile.Frame{Func: "p." + fn, File: file, Line: line} }
	held := func(fn string, line int, deferred bool) report.LockFact {
		return report.LockFact{Mutex: "s.mu", Lock: report.SourceRef{File: file, Line: line, Func: fn, Text: "s.mu.Lock()"}, Deferred: deferred}
	}
	tests := []struct {
		name   string
		frames []profile.Frame
		facts  report.Facts
		waiter string // what another group waits to lock, "" for none
		want   string // what the edited file has; "" for no candidate
	}{
		{
			name:   "a send while holding the lock",
			frames: []profile.Frame{at("(*store).send", 14)},
			facts:  report.Facts{Op: "send", Object: "s.ch", Held: []report.LockFact{held("(*store).send", 12, true)}},
			waiter: "x.mu",
			want:   "\ts.mu.Unlock()\n\ts.ch <- s.n\n\ts.mu.Lock()\n}",
		},
		{
			name:   "a lock nothing waits for is kept",
			frames: []profile.Frame{at("(*store).send", 14)},
			facts:  report.Facts{Op: "send", Object: "s.ch", Held: []report.LockFact{held("(*store).send", 12, true)}},
			waiter: "x.other",
		},
		{
			name:   "the lock taken again in a callee: released around the call",
			frames: []profile.Frame{at("(*store).count", 26), at("(*store).refresh", 20)},
			facts:  report.Facts{Op: "lock", Object: "s.mu", Held: []report.LockFact{held("(*store).refresh", 18, false)}},
			want:   "\t\ts.mu.Unlock()\n\t\ts.n = s.count()\n\t\ts.mu.Lock()\n\t}",
		},
		{
			name:   "the Cond's own lock is left alone",
			frames: []profile.Frame{at("(*store).send", 14)},
			facts: report.Facts{Op: "cond", Object: "s.c", Held: []report.LockFact{
				{Mutex: "s.c.L", Lock: report.SourceRef{File: file, Line: 12}}}},
		},
		{
			name:   "Cond.Wait where its lock is taken: Wait needs it held",
			frames: []profile.Frame{at("(*store).send", 14)},
			facts:  report.Facts{Op: "cond", Object: "s.c", Held: []report.LockFact{held("(*store).send", 12, true)}},
			waiter: "x.mu",
		},
		{
			name:   "the held lock's Lock line is not on the stack",
			frames: []profile.Frame{at("(*store).count", 26)},
			facts:  report.Facts{Op: "lock", Object: "s.mu", Held: []report.LockFact{held("(*store).refresh", 18, false)}},
		},
		{
			name:   "the blocking statement is the same lock again",
			frames: []profile.Frame{at("(*store).count", 26)},
			facts:  report.Facts{Op: "lock", Object: "s.mu", Held: []report.LockFact{held("(*store).count", 26, false)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &report.Group{Block: tt.frames[0], Stack: &profile.Goroutine{Frames: tt.frames},
				Diagnosis: report.Diagnosis{Facts: tt.facts}}
			peers := []*report.Group{g}
			if tt.waiter != "" {
				peers = append(peers, &report.Group{Diagnosis: report.Diagnosis{Facts: report.Facts{Op: "lock", Object: tt.waiter}}})
			}
			cands := s.unlockCandidates(g, peers)
			if tt.want == "" {
				if len(cands) > 0 {
					t.Fatalf("got %d candidates, want none: %s", len(cands), cands[0].summary)
				}
				return
			}
			if len(cands) != 1 {
				t.Fatalf("got %d candidates, want 1", len(cands))
			}
			if got := applyCandidate(t, lockSrc, cands[0]); !strings.Contains(got, tt.want) {
				t.Errorf("edited:\n%s\nwant it to hold:\n%s", got, tt.want)
			}
			if cands[0].from != speculativeFrom {
				t.Errorf("from %q, want fix's own", cands[0].from)
			}
		})
	}
}

func TestLockedCandidates(t *testing.T) {
	module, file := writeLockSrc(t)
	s := &session{module: module}
	at := func(fn string, line int) profile.Frame { return profile.Frame{Func: "p." + fn, File: file, Line: line} }
	refresh := report.LockFact{Mutex: "s.mu", Lock: report.SourceRef{File: file, Line: 18, Func: "(*store).refresh"}}
	group := func(held report.LockFact, frames ...profile.Frame) *report.Group {
		return &report.Group{Block: frames[0], Stack: &profile.Goroutine{Frames: frames},
			Diagnosis: report.Diagnosis{Facts: report.Facts{Op: "lock", Object: "s.mu", Held: []report.LockFact{held}}}}
	}

	cands := s.lockedCandidates(group(refresh, at("(*store).count", 26), at("(*store).refresh", 20)))
	if len(cands) != 1 {
		t.Fatalf("got %d candidates, want 1", len(cands))
	}
	got := applyCandidate(t, lockSrc, cands[0])
	// The caller calls the variant; the variant is count without its Lock
	// and Unlock of s.mu, right after count, which is unchanged.
	want := "\t\ts.n = s.countLocked()\n"
	variant := `func (s *store) count() int {
	s.mu.Lock() // waits for itself
	defer s.mu.Unlock()
	return s.n + 1
}

// countLocked is count for a caller that already holds s.mu: it does not lock it again.
func (s *store) countLocked() int {
	return s.n + 1
}
`
	if !strings.Contains(got, want) || !strings.Contains(got, variant) {
		t.Errorf("edited:\n%s\nwant it to hold:\n%s\n%s", got, want, variant)
	}

	// Another type's mutex of the same field name is not the same lock.
	o := report.LockFact{Mutex: "o.mu", Lock: report.SourceRef{File: file, Line: 35, Func: "(*other).also"}}
	if c := s.lockedCandidates(group(o, at("(*store).count", 26), at("(*other).also", 36))); len(c) > 0 {
		t.Errorf("a candidate for another type's lock: %s", c[0].summary)
	}
	// A variant whose name is taken is not made.
	taken := filepath.Join(module, "q.go")
	if err := os.WriteFile(taken, []byte("package p\n\nfunc (s *store) countLocked() int { return 0 }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c := s.lockedCandidates(group(refresh, at("(*store).count", 26), at("(*store).refresh", 20))); len(c) > 0 {
		t.Errorf("a candidate whose variant name is taken: %s", c[0].summary)
	}
}
