package report

import (
	"fmt"
	"go/ast"
	"strings"

	"github.com/leakhound/leakhound/profile"
)

// onceWaits explains the groups that wait in sync.(*Once).Do: the mutex
// they wait on is the Once's own, held while another goroutine runs the
// function given to Do. The holder is the group whose stack passes through
// the same Do call and goes on into that function; it is named, with where
// it is stuck, instead of "a mutex never unlocked".
func (d *diagnoser) onceWaits(r *Report) {
	for i, g := range r.Groups {
		if g.Reason != ReasonMutex || g.Stack == nil || !inOnce(g.Stack.Frames) || g.Block.File == "" {
			continue
		}
		at := d.pos(g.Block)
		once := d.onceAt(g.Block)
		holder := -1
		for k, h := range r.Groups {
			if k == i || h.Stack == nil || h.Block == g.Block {
				continue
			}
			for fi, f := range h.Stack.Frames {
				if fi > 0 && f.File == g.Block.File && f.Line == g.Block.Line && f.Func == g.Block.Func {
					holder = k
					break
				}
			}
			if holder >= 0 {
				break
			}
		}
		diag := &g.Diagnosis
		diag.Summary = fmt.Sprintf("%s: %s.Do waits for another goroutine that is running the Once's function and "+
			"has not returned (the mutex is the Once's own, not one of your code)", at, once)
		diag.Evidence = append(diag.Evidence, "sync.(*Once).doSlow is on the stack: Do waits until the first call's "+
			"function returns")
		diag.Facts.Op, diag.Facts.Object = "once", once
		if holder < 0 {
			continue
		}
		h := r.Groups[holder]
		diag.PatternID = PatternMutualWait
		diag.Summary += fmt.Sprintf("; the goroutine of group #%d is inside that function, blocked at %s (%s) — the "+
			"function given to Do must not wait for what a caller of Do holds or waits for", holder+1, d.pos(h.Block),
			h.Reason.Title())
		diag.Evidence = append(diag.Evidence, fmt.Sprintf("partner: the goroutine of group #%d runs %s's function, "+
			"blocked at %s", holder+1, once, d.pos(h.Block)))
		diag.Fix = fmt.Sprintf("let %s's function return: it waits at %s", once, d.pos(h.Block))
		// A caller of Do that holds a lock the function's runner waits
		// for is the other half of the cycle: releasing that lock around
		// the call that leads to Do lets the function return.
		if w := d.waitOf(g); w != nil && len(w.held) > 0 {
			diag.Facts.Held = heldFacts(w.held)
			if fix := d.unlockAroundFix(g, r.Groups); fix != "" {
				diag.Fix = fix
				continue
			}
		}
		if d.partnerOf == nil {
			d.partnerOf = make(map[*Group]*Group)
		}
		d.partnerOf[g] = h // for victimFixes: Do returns once h does
	}
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

// onceAt returns the Once's text at a Do call, "the sync.Once" when the
// source does not show it.
func (d *diagnoser) onceAt(f profile.Frame) string {
	if d.src != nil {
		if file := d.src.file(f.File); file != nil {
			if s := file.locate(f.Line); s != nil {
				if n := s.onLine(func(n ast.Node) bool { _, name, ok := methodCall(n); return ok && name == "Do" }); n != nil {
					recv, _, _ := methodCall(n)
					return recv
				}
			}
		}
	}
	return "the sync.Once"
}
