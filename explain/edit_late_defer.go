package explain

import (
	"fmt"
	"go/ast"

	"github.com/leakhound/leakhound/report"
)

// This file holds the edits for a deferred release registered too late:
// a defer mu.Unlock() or defer wg.Done() placed after an early return
// runs only on the paths that get past it. Moving the defer up to where
// the lock is taken, or to the goroutine's start, makes every exit run it.

// deferUnlockEarlier moves a deferred Unlock registered after an early
// return up to right after its Lock: in a function of the file that locks
// the group's mutex (the same owner type and field), `mu.Lock()` followed
// in the same block by a return and only then by `defer mu.Unlock()`. No
// statement between them may lock or unlock mu, so holding the lock with
// the defer registered earlier changes nothing but the early exit, which
// now unlocks. lock and unlock are Lock and Unlock, or RLock and RUnlock.
func (e *editor) deferUnlockEarlier(lock, unlock string) *report.Suggestion {
	n := e.s.onLine(func(n ast.Node) bool {
		_, name, ok := methodCall(n)
		return ok && (name == "Lock" || name == "RLock")
	})
	if n == nil {
		return nil
	}
	f := e.s.file
	info := e.d.packageTypes(f)
	key := mutexKey(info, n.(*ast.CallExpr))
	if key == "" {
		return nil
	}
	var sug *report.Suggestion
	ast.Inspect(f.ast, func(c ast.Node) bool {
		b, ok := c.(*ast.BlockStmt)
		if !ok || sug != nil {
			return sug == nil
		}
		for i, st := range b.List {
			mu, ok := lockCall(st, lock)
			if !ok || mutexKey(info, st.(*ast.ExprStmt).X.(*ast.CallExpr)) != key {
				continue
			}
			for j := i + 1; j < len(b.List); j++ {
				def, isDefer := b.List[j].(*ast.DeferStmt)
				if !isDefer {
					if mentionsCall(b.List[j], lastName(mu), unlock) || mentionsCall(b.List[j], lastName(mu), lock) {
						break
					}
					continue
				}
				r, name, ok := methodCall(def.Call)
				if !ok || r != mu || name != unlock || !f.alone(def) || !f.alone(st) {
					continue
				}
				exit := firstReturn(b.List[i+1 : j])
				if exit == nil {
					break
				}
				text := f.text(def)
				e.fix = fmt.Sprintf("move %s right after %s.%s(): the return at line %d, before the defer, leaves "+
					"%s locked", text, mu, lock, f.lineOf(exit.Pos()), mu)
				sug = &report.Suggestion{
					Summary: fmt.Sprintf("move %s (line %d) right after the %s at line %d: the return at line %d, "+
						"before it, leaves %s locked", text, f.lineOf(def.Pos()), lock, f.lineOf(st.Pos()),
						f.lineOf(exit.Pos()), mu),
					Edits: []report.Edit{f.insertAfter(st, text), f.deleteLines(def)},
				}
				return false
			}
		}
		return true
	})
	return sug
}

// firstReturn returns the first return statement in list, outside
// function literals; nil when there is none.
func firstReturn(list []ast.Stmt) ast.Node {
	for _, st := range list {
		var found ast.Node
		ast.Inspect(st, func(n ast.Node) bool {
			if _, lit := n.(*ast.FuncLit); lit || found != nil {
				return false
			}
			if r, ok := n.(*ast.ReturnStmt); ok {
				found = r
			}
			return found == nil
		})
		if found != nil {
			return found
		}
	}
	return nil
}

// lateDeferredDone moves a defer wg.Done() registered after a return of
// the goroutine's function to that function's first statement, for a
// group waiting in WaitGroup.Wait on the same WaitGroup (the deferred Done
// is one of its partners): the return no longer leaves without Done. The
// statements before it must not call Add or Done on the WaitGroup.
func (e *editor) lateDeferredDone() *report.Suggestion {
	w := e.d.waitFor(e.g)
	if w == nil || len(w.objs) == 0 {
		return nil
	}
	for _, o := range w.partners(w.objs[0]) {
		if !o.deferred || o.fn == nil {
			continue
		}
		body := funcBody(o.fn)
		s := o.file.locate(o.line)
		if body == nil || s == nil {
			continue
		}
		def, ok := s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.DeferStmt); return ok }).(*ast.DeferStmt)
		if !ok || !o.file.alone(def) {
			continue
		}
		j := stmtIndex(body.List, def)
		if j <= 0 {
			continue
		}
		exit := firstReturn(body.List[:j])
		if exit == nil || !e.startedByGo(o) || callsOn(body.List[:j], w.objs[0].text, "Done", "Add") {
			continue
		}
		text := o.file.text(def)
		first, ok := o.file.insertFirst(body, text)
		if !ok {
			continue
		}
		e.fix = fmt.Sprintf("move %s to the start of the goroutine: the return at line %d, before the defer, "+
			"leaves without Done", text, o.file.lineOf(exit.Pos()))
		return &report.Suggestion{
			Summary: fmt.Sprintf("move %s (line %d) to the start of %s: the return at line %d, before it, leaves "+
				"without Done", text, o.line, funcName(o.decl, o.fn), o.file.lineOf(exit.Pos())),
			Edits: []report.Edit{first, o.file.deleteLines(def)},
		}
	}
	return nil
}
