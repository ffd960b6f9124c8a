package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/fixrule"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// unlockAroundFixes words, for each group that blocks while holding a
// lock another leaked group waits for, the edit that releases the lock
// around the statement through which it blocks (fixrule.UnlockAround,
// the rule leakhound fix builds and runs as a candidate): the catalog's
// advice for its blocking operation (a select, a Broadcast) does not
// reach the goroutines queued on the lock, and the lock is what they
// wait for. A group in a cycle keeps the cycle's fix, which already says
// to unlock first; a group with an edit of its own, or a fix of its own,
// keeps it; a double lock keeps its own explanation.
func (d *diagnoser) unlockAroundFixes(r *report.Report) {
	for _, g := range r.Groups {
		df := &g.Diagnosis
		if !releasedSafely[df.Facts.Op] || len(df.Facts.Held) == 0 || df.Facts.Cycle > 0 || df.Fix != "" || df.Suggestion != nil ||
			df.PatternID == report.PatternDoubleLock || g.Stack == nil {
			continue
		}
		if fix := d.unlockAroundFix(g, r.Groups); fix != "" {
			df.Fix = fix
		}
	}
}

// releasedSafely are the blocking operations the rule may release a lock
// around: a receive, a range, a WaitGroup's or a Cond's Wait, which the
// partner's close, Done or Broadcast ends. A send is left out: the group
// that waits for the lock may be the one that closes the channel (a stop
// path), and once the lock is free it would, under a sender still
// waiting, which panics. leakhound fix tries that candidate and lets the
// tests judge; the report, which runs nothing, does not word it.
var releasedSafely = map[string]bool{"receive": true, "range": true, "wait": true, "cond": true}

// unlockAroundFix is g's fix as the holder of a lock that another group
// waits for, "" when the rule does not apply to any lock it holds.
func (d *diagnoser) unlockAroundFix(g *report.Group, groups []*report.Group) string {
	f := g.Diagnosis.Facts
	from := slices.IndexFunc(g.Stack.Frames, func(fr profile.Frame) bool {
		return fr.File == g.Block.File && fr.Line == g.Block.Line && fr.Func == g.Block.Func
	})
	if from < 0 {
		return ""
	}
	for _, h := range f.Held {
		if f.Op == "cond" && strings.HasSuffix(h.Mutex, ".L") {
			continue // the Cond's own lock, which Wait releases and needs
		}
		waiter := lockWaiter(h, g, groups)
		if waiter < 0 {
			continue
		}
		sf := d.src.file(h.Lock.File)
		if sf == nil {
			continue
		}
		p := &fixrule.File{Fset: sf.fset, AST: sf.ast, Src: sf.src}
		lockFn := p.FuncAt(h.Lock.Line)
		if lockFn == nil {
			continue
		}
		// The frame of the function that took the lock, from the
		// blocking frame outward: the statement it is at is the one to
		// release the lock around.
		i := slices.IndexFunc(g.Stack.Frames[from:], func(fr profile.Frame) bool {
			return fr.File == h.Lock.File && p.FuncAt(fr.Line) == lockFn
		})
		if i < 0 || f.Op == "cond" && i == 0 {
			continue // a lock taken where Cond.Wait is called is its L
		}
		a, ok := fixrule.UnlockAround(p, g.Stack.Frames[from+i].Line, h.Lock.Line, h.Mutex, h.Read)
		if !ok {
			continue
		}
		stmt, _, more := strings.Cut(p.Text(a.Stmt), "\n")
		if more {
			stmt += " …"
		}
		return fmt.Sprintf("release %s around `%s` at %s:%d and take it again after — %s before it, %s after — so the "+
			"goroutine does not wait holding the lock group #%d waits for (check that nothing %s guards changes meanwhile)",
			h.Mutex, stmt, d.rel(h.Lock.File), a.First, a.Unlock, a.Lock, waiter+1, h.Mutex)
	}
	return ""
}

// lockWaiter is the index in groups of another group blocked on a Lock
// or RLock of h's mutex (the same field: "s.mu" and "r.mu" are both
// .mu, an embedded mutex only by its name), -1 when none is: releasing a
// lock nothing waits for would change only the timing.
func lockWaiter(h report.LockFact, g *report.Group, groups []*report.Group) int {
	for i, o := range groups {
		f := o.Diagnosis.Facts
		if o == g || f.Op != "lock" && f.Op != "rlock" || f.Object == "" {
			continue
		}
		if field := fixrule.Field(h.Mutex); field == fixrule.Field(f.Object) && (field != "" || f.Object == h.Mutex) {
			return i
		}
	}
	return -1
}
