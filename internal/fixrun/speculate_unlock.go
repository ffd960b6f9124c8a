package fixrun

import (
	"fmt"
	"go/ast"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/internal/fixrule"
	"github.com/leakhound/leakhound/report"
)

// unlockCandidates release a lock the leaked goroutine holds (Facts.Held)
// around the statement through which it blocks, and take it again after:
// in the function that took the lock, the statement at that function's
// frame, which is the blocking operation itself or the call that leads
// to it. This is the fix of the two commonest lock shapes in published
// studies of Go blocking bugs: a lock held across a channel operation or
// a Wait whose partner needs the same lock (unlock before the operation),
// and a lock taken again, or a second lock taken in the other order,
// further down the stack (release the first before the call). It gives
// up what the lock protected across that statement, which the tests
// judge; a statement that is not a simple one (an if, a for, a return)
// gets none, since its other paths would leave the lock released or
// released twice. Only a lock that something waits for is released: the
// goroutine itself (it takes the same lock again) or another of the
// groups the same tests left (peers); releasing any other lock changes
// nothing but the timing, which could hide a leak from a few reruns.
func (s *session) unlockCandidates(g *report.Group, peers []*report.Group) []*candidate {
	f := g.Diagnosis.Facts
	if g.Stack == nil || len(f.Held) == 0 {
		return nil
	}
	from := frameIndex(g.Stack.Frames, g.Block)
	var cands []*candidate
	for _, h := range f.Held {
		if f.Op == "cond" && strings.HasSuffix(h.Mutex, ".L") {
			continue // the Cond's own lock, which Wait releases
		}
		if !s.inModule(h.Lock.File) || !waitedFor(h, g, peers) {
			continue
		}
		p := parseFile(h.Lock.File)
		i := holderFrame(g.Stack.Frames, from, h, p)
		if i < 0 || f.Op == "cond" && i == from {
			continue // a lock taken where Cond.Wait is called is its L, which Wait needs held
		}
		if c := unlockAround(p, g.Stack.Frames[i].Line, h); c != nil {
			cands = append(cands, c)
		}
	}
	return cands
}

// unlockAround is the candidate that unlocks h around the statement at
// line of the function that took it (fixrule.UnlockAround, the rule the
// report words as the group's fix).
func unlockAround(p *parsedFile, line int, h report.LockFact) *candidate {
	a, ok := fixrule.UnlockAround(p.lf, line, h.Lock.Line, h.Mutex, h.Read)
	if !ok {
		return nil
	}
	return &candidate{
		// The tests prove the leak gone, not that what the lock guarded
		// stays consistent while it is released: the summary says so.
		summary: fmt.Sprintf("release %s around %s at %s:%d and take it again after, so the goroutine does not wait while holding it (check that nothing %s guards changes meanwhile: the tests cannot show that)",
			h.Mutex, firstLine(p.text(a.Stmt)), filepath.Base(p.name), a.First, h.Mutex),
		from: speculativeFrom,
		edits: []report.Edit{
			{File: p.name, Start: a.Start, End: a.Start, Line: a.First, EndLine: a.First, New: a.Unlock + "\n" + a.Indent},
			{File: p.name, Start: a.End, End: a.End, Line: a.Last, EndLine: a.Last, New: "\n" + a.Indent + a.Lock},
		},
		lines: []string{"+ " + a.Unlock, "+ " + a.Lock},
	}
}

// firstLine is the first line of a statement's text, for a summary.
func firstLine(s string) string {
	s, _, cut := strings.Cut(s, "\n")
	if cut {
		s += " …"
	}
	return s
}

// lockOf is X when st is the statement X.Lock() or X.RLock(), else "".
func lockOf(st ast.Stmt) string { return fixrule.LockOf(st) }

// methodCall splits the statement X.m() into X's text and m; "" when st
// is not such a call without arguments.
func methodCall(st ast.Stmt) (x, method string) { return fixrule.MethodCall(st) }

// waitedFor reports whether a goroutine of g or of one of its peers
// blocks on the mutex h: a Lock or RLock of the same field ("s.mu" and
// "r.mu" are both .mu; an embedded mutex, "c" or "f", has none).
func waitedFor(h report.LockFact, g *report.Group, peers []*report.Group) bool {
	for _, p := range append([]*report.Group{g}, peers...) {
		f := p.Diagnosis.Facts
		if (f.Op == "lock" || f.Op == "rlock") && f.Object != "" && mutexField(f.Object) == mutexField(h.Mutex) {
			return true
		}
	}
	return false
}
