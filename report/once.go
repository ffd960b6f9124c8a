package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/profile"
)

// WaitsInOnce reports whether g waits in sync.(*Once).Do: for the mutex of
// a Once, held while another goroutine runs the function given to Do.
func WaitsInOnce(g *Group) bool {
	return g.Reason == ReasonMutex && g.Stack != nil && inOnce(g.Stack.Frames) && g.Block.File != ""
}

// ExplainOnce explains g, which waits in sync.(*Once).Do (WaitsInOnce):
// the mutex it waits on is the Once's own, held while another goroutine
// runs the function given to Do. The holder is the group whose stack
// passes through the same Do call and goes on into that function; it is
// named, with where it is stuck, instead of "a mutex never unlocked", and
// returned (nil when no group is seen running the function). once names
// the Once as the source shows it ("the sync.Once" when it was not read).
func (r *Report) ExplainOnce(g *Group, once string) *Group {
	var holder *Group
	for _, h := range r.Groups {
		if h == g || h.Stack == nil || h.Block == g.Block {
			continue
		}
		for fi, f := range h.Stack.Frames {
			if fi > 0 && f.File == g.Block.File && f.Line == g.Block.Line && f.Func == g.Block.Func {
				holder = h
				break
			}
		}
		if holder != nil {
			break
		}
	}
	at := r.Pos(g.Block)
	diag := &g.Diagnosis
	diag.Summary = fmt.Sprintf("%s: %s.Do waits for another goroutine that is running the Once's function and "+
		"has not returned (the mutex is the Once's own, not one of your code)", at, once)
	diag.Evidence = append(diag.Evidence, "sync.(*Once).doSlow is on the stack: Do waits until the first call's "+
		"function returns")
	diag.Facts.Op, diag.Facts.Object = "once", once
	if holder == nil {
		return nil
	}
	n := slices.Index(r.Groups, holder) + 1
	diag.PatternID = PatternMutualWait
	diag.Summary += fmt.Sprintf("; the goroutine of group #%d is inside that function, blocked at %s (%s) — the "+
		"function given to Do must not wait for what a caller of Do holds or waits for", n, r.Pos(holder.Block),
		holder.Reason.Title())
	diag.Evidence = append(diag.Evidence, fmt.Sprintf("partner: the goroutine of group #%d runs %s's function, "+
		"blocked at %s", n, once, r.Pos(holder.Block)))
	diag.Fix = fmt.Sprintf("let %s's function return: it waits at %s", once, r.Pos(holder.Block))
	return holder
}

// onceWaits explains the groups that wait in sync.(*Once).Do from the
// stack alone, and returns the holder of each Once found, for FixVictims.
func (r *Report) onceWaits() map[*Group]*Group {
	var partners map[*Group]*Group
	for _, g := range r.Groups {
		if !WaitsInOnce(g) {
			continue
		}
		if h := r.ExplainOnce(g, "the sync.Once"); h != nil {
			if partners == nil {
				partners = make(map[*Group]*Group)
			}
			partners[g] = h
		}
	}
	return partners
}

// inOnce reports whether a stack waits for the mutex of a sync.Once: the
// first frame past the runtime and the mutex's own is sync.(*Once).doSlow.
func inOnce(frames []profile.Frame) bool {
	for _, f := range frames {
		switch {
		case strings.HasPrefix(f.Func, "runtime.") || strings.HasPrefix(f.Func, "internal/") ||
			strings.HasPrefix(f.Func, "sync.(*Mutex)") || strings.HasPrefix(f.Func, "sync.runtime_"):
			continue
		case f.Func == "sync.(*Once).doSlow":
			return true
		default:
			return false
		}
	}
	return false
}
