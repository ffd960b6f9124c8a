package explain

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// deferDone makes every goroutine of the waiting function that calls
// wg.Done() without defer call it with defer, first thing, so an early
// return cannot skip it. It applies to goroutines whose Done calls are
// plain statements outside loops, with no Add inside them.
func (e *editor) deferDone() (*report.Suggestion, string) {
	n := e.s.onLine(func(n ast.Node) bool { _, name, ok := methodCall(n); return ok && name == "Wait" })
	if n == nil || e.s.decl == nil {
		return nil, ""
	}
	wgText, _, _ := methodCall(n)
	wg := lastName(wgText)
	f := e.s.file
	var edits []report.Edit
	var lines []int
	why := ""
	ast.Inspect(e.s.decl, func(n ast.Node) bool {
		gs, ok := n.(*ast.GoStmt)
		if !ok || why != "" {
			return why == ""
		}
		lit, ok := gs.Call.Fun.(*ast.FuncLit)
		if !ok {
			return true
		}
		if len(f.calls(lit.Body, wg, "Add")) > 0 {
			why = fmt.Sprintf("%s.Add runs inside the goroutine at line %d: move it before the go statement", wg,
				f.lineOf(gs.Pos()))
			return false
		}
		if deferredSuffix(lit.Body, wg, "Done") {
			return true
		}
		var dones []ast.Stmt
		inspectPath(lit.Body, func(c ast.Node, stack []ast.Node) bool {
			if _, nested := c.(*ast.FuncLit); nested {
				return false
			}
			es, ok := c.(*ast.ExprStmt)
			if !ok {
				return true
			}
			if recv, name, ok := methodCall(es.X); ok && name == "Done" && lastName(recv) == wg {
				for _, s := range stack {
					switch s.(type) {
					case *ast.ForStmt, *ast.RangeStmt:
						why = fmt.Sprintf("%s.Done is called in a loop in the goroutine at line %d", wg, f.lineOf(gs.Pos()))
					}
				}
				dones = append(dones, es)
			}
			return true
		})
		if len(dones) == 0 || why != "" {
			return why == ""
		}
		last := f.lineOf(dones[len(dones)-1].Pos())
		if !hasReturnBefore(f, lit.Body, last) {
			return true // Done is reached on every path: these goroutines are stuck before it
		}
		first, ok := f.insertFirst(lit.Body, fmt.Sprintf("defer %s.Done()", types.ExprString(dones[0].(*ast.ExprStmt).X.(*ast.CallExpr).Fun.(*ast.SelectorExpr).X)))
		if !ok {
			why = fmt.Sprintf("the goroutine at line %d is written on one line", f.lineOf(gs.Pos()))
			return false
		}
		edits = append(edits, first)
		for _, d := range dones {
			if !f.alone(d) {
				why = fmt.Sprintf("%s.Done() at line %d shares its line with other code", wg, f.lineOf(d.Pos()))
				return false
			}
			edits = append(edits, f.deleteLines(d))
		}
		lines = append(lines, f.lineOf(gs.Pos()))
		return true
	})
	if why != "" {
		return nil, why
	}
	if len(edits) == 0 {
		why := fmt.Sprintf("no goroutine started in %s skips %s.Done() by returning early", e.s.decl.Name.Name, wg)
		if strings.Contains(e.g.Diagnosis.Summary, "group #") {
			why += ": the missing Done belongs to a goroutine blocked elsewhere (named above)"
		}
		return nil, why
	}
	return &report.Suggestion{
		Summary: fmt.Sprintf("defer %s.Done() first thing in the goroutine started at line %s, so every return "+
			"counts it done", wg, joinInts(lines)),
		Edits: edits,
	}, ""
}

// lockCall returns the statement mu.method() when st is one.
func lockCall(st ast.Stmt, method string) (recv string, ok bool) {
	es, isExpr := st.(*ast.ExprStmt)
	if !isExpr {
		return "", false
	}
	r, name, isCall := methodCall(es.X)
	return r, isCall && name == method
}

// deferUnlock releases the mutex with defer right after the Lock the
// group waits on, and drops the plain Unlock calls: an early return no
// longer leaves it locked. It applies when the Lock is a statement of the
// function's own body, the function never defers the Unlock, and every
// Unlock is a statement of that body followed at most by a return of
// names or literals (so holding the lock to the end changes nothing).
func (e *editor) deferUnlock() (*report.Suggestion, string) {
	decl := e.s.decl
	if decl == nil || e.s.fn != decl {
		return nil, "the Lock is inside a function literal"
	}
	f := e.s.file
	body := decl.Body
	lockAt := -1
	mu := ""
	for i, st := range body.List {
		if r, ok := lockCall(st, "Lock"); ok && f.lineOf(st.Pos()) == e.s.line {
			lockAt, mu = i, r
		}
	}
	if lockAt < 0 {
		return nil, "the Lock is not a statement of its function's own body"
	}
	if deferredSuffix(body, lastName(mu), "Unlock") {
		return nil, ""
	}
	var unlocks []ast.Stmt
	why := ""
	ast.Inspect(body, func(n ast.Node) bool {
		if _, lit := n.(*ast.FuncLit); lit || why != "" {
			return false
		}
		if st, ok := n.(ast.Stmt); ok {
			if r, ok := lockCall(st, "Unlock"); ok && r == mu {
				unlocks = append(unlocks, st)
			}
			if r, ok := lockCall(st, "Lock"); ok && r == mu && f.lineOf(st.Pos()) != e.s.line {
				why = fmt.Sprintf("%s.Lock() is called again at line %d in the same function", mu, f.lineOf(st.Pos()))
			}
		}
		return true
	})
	if why != "" {
		return nil, why
	}
	if len(unlocks) == 0 {
		return nil, fmt.Sprintf("%s never unlocks %s: the lock is released elsewhere, so where it should be is "+
			"not mechanical", decl.Name.Name, mu)
	}
	returns := false
	for i := lockAt + 1; i < len(body.List); i++ {
		if hasReturn(body.List[i]) {
			returns = true
		}
	}
	if !returns && len(unlocks) > 0 {
		return nil, fmt.Sprintf("every path through %s reaches %s.Unlock(): the lock is held by a goroutine "+
			"that is itself blocked", decl.Name.Name, mu)
	}
	edits := []report.Edit{f.insertAfter(body.List[lockAt], "defer "+mu+".Unlock()")}
	for _, u := range unlocks {
		i := stmtIndex(body.List, u)
		if i < lockAt || !f.alone(u) {
			return nil, fmt.Sprintf("%s.Unlock() at line %d is not a plain statement of %s after the Lock", mu,
				f.lineOf(u.Pos()), decl.Name.Name)
		}
		for _, rest := range body.List[i+1:] {
			r, isReturn := rest.(*ast.ReturnStmt)
			if !isReturn || !pureResults(r) {
				return nil, fmt.Sprintf("code runs after %s.Unlock() at line %d; a deferred Unlock would hold the "+
					"lock over it", mu, f.lineOf(u.Pos()))
			}
		}
		edits = append(edits, f.deleteLines(u))
	}
	return &report.Suggestion{
		Summary: fmt.Sprintf("unlock %s with defer right after the Lock, so the early return in %s releases it",
			mu, decl.Name.Name),
		Edits: edits,
	}, ""
}

func stmtIndex(list []ast.Stmt, st ast.Stmt) int {
	for i, s := range list {
		if s == st {
			return i
		}
	}
	return -1
}

// hasReturn reports whether st holds a return outside function literals.
func hasReturn(st ast.Stmt) bool {
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			found = true
		}
		return !found
	})
	return found
}

func pureResults(r *ast.ReturnStmt) bool {
	for _, x := range r.Results {
		if !pureExpr(x) {
			return false
		}
	}
	return true
}

// doubleLock replaces a Lock the group waits on with Unlock when the same
// function has already locked the mutex on the straight path to it: an
// earlier mu.Lock() in an enclosing block with no mu.Unlock() between the
// two, no deferred Unlock, and no Unlock after the second Lock on its way
// out of the function (its block ends in a return, or is the body). The
// goroutine waits for itself; the second call was meant to release the
// lock.
func (e *editor) doubleLock() *report.Suggestion {
	n := e.s.onLine(func(n ast.Node) bool { _, name, ok := methodCall(n); return ok && name == "Lock" })
	if n == nil {
		return nil
	}
	call := n.(*ast.CallExpr)
	mu, _, _ := methodCall(call)
	body := funcBody(e.s.fn)
	f := e.s.file
	second := e.stmtOf(call)
	if second == nil || body == nil || deferredSuffix(body, lastName(mu), "Unlock") {
		return nil
	}
	if _, ok := lockCall(second, "Lock"); !ok {
		return nil
	}
	// The second Lock's own block: nothing after it may unlock, and it
	// must leave the function.
	block, at := enclosingBlock(body, second)
	if block == nil {
		return nil
	}
	rest := block.List[at+1:]
	for _, st := range rest {
		if len(f.calls(st, lastName(mu), "Unlock")) > 0 {
			return nil
		}
	}
	if block != body {
		if len(rest) == 0 {
			return nil
		}
		if _, ok := rest[len(rest)-1].(*ast.ReturnStmt); !ok {
			return nil
		}
	}
	// The first Lock: a statement of a block holding the second one,
	// before it, with no Unlock between them.
	var first ast.Stmt
	ast.Inspect(body, func(c ast.Node) bool {
		if _, lit := c.(*ast.FuncLit); lit {
			return false
		}
		b, ok := c.(*ast.BlockStmt)
		if !ok {
			return c != nil && c.Pos() <= second.Pos() && c.End() >= second.End()
		}
		if b.Pos() > second.Pos() || b.End() < second.End() {
			return false
		}
		for _, st := range b.List {
			if st.Pos() >= second.Pos() {
				break
			}
			if r, ok := lockCall(st, "Lock"); ok && r == mu {
				first = st
			}
			if len(f.calls(st, lastName(mu), "Unlock")) > 0 {
				first = nil
			}
		}
		return true
	})
	if first == nil {
		return nil
	}
	sel := call.Fun.(*ast.SelectorExpr).Sel
	at2 := f.posOffset(sel.Pos())
	return &report.Suggestion{
		Summary: fmt.Sprintf("%s is locked at line %d and again at line %d with no Unlock between: the goroutine "+
			"waits for itself; the second call was meant to be Unlock", mu, f.lineOf(first.Pos()), e.s.line),
		Edits: []report.Edit{newEdit(f, at2, at2+len("Lock"), "Unlock")},
	}
}

// unlockBeforeSend moves `mu.Unlock()` from right after a blocked send to
// right before it, when the same block locked mu earlier: the send no
// longer holds the lock the receiver may need. It applies only when the
// send's operands are names or literals, so moving the unlock does not
// read shared state unlocked.
func (e *editor) unlockBeforeSend(send *ast.SendStmt) *report.Suggestion {
	f := e.s.file
	block, i := enclosingBlock(e.s.fn, send)
	if block == nil || i+1 >= len(block.List) || !f.alone(send) {
		return nil
	}
	mu, ok := lockCall(block.List[i+1], "Unlock")
	if !ok || !f.alone(block.List[i+1]) || !simpleOperand(send.Chan) || !simpleOperand(send.Value) {
		return nil
	}
	locked := false
	for _, st := range block.List[:i] {
		if r, ok := lockCall(st, "Lock"); ok && r == mu {
			locked = true
		}
		if r, ok := lockCall(st, "Unlock"); ok && r == mu {
			locked = false
		}
	}
	if !locked {
		return nil
	}
	return &report.Suggestion{
		Summary: fmt.Sprintf("unlock %s before the send on %s, not after: a receiver that needs %s can then "+
			"take the value", mu, types.ExprString(send.Chan), lastName(mu)),
		Edits: []report.Edit{f.insertBefore(send, mu+".Unlock()"), f.deleteLines(block.List[i+1])},
	}
}

// simpleOperand reports whether e is a local name, a literal or an empty
// composite literal such as struct{}{}.
func simpleOperand(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.CompositeLit:
		return len(x.Elts) == 0
	}
	return false
}

// cancelContext calls the cancel function of the context a goroutine
// waits on, with defer right after the context is made, when the
// diagnosis found it discarded or never called. The context is looked for
// in the blocking function and in the function holding the go statement.
func (e *editor) cancelContext() (*report.Suggestion, string) {
	places := []*site{e.s}
	if c := e.g.CreatedBy; c != nil && e.d.src != nil {
		if cf := e.d.src.file(c.File); cf != nil {
			if cs := cf.locate(c.Line); cs != nil {
				places = append(places, cs)
			}
		}
	}
	why := ""
	for _, s := range places {
		if s.decl == nil {
			continue
		}
		var sug *report.Suggestion
		var owner *ownerCloser
		ast.Inspect(s.decl.Body, func(n ast.Node) bool {
			if sug != nil || why != "" {
				return false
			}
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Rhs) != 1 {
				return true
			}
			c, ok := as.Rhs[0].(*ast.CallExpr)
			if !ok {
				return true
			}
			if isCallTo(c, "context", "Background") || isCallTo(c, "context", "TODO") {
				why = fmt.Sprintf("%s at line %d is never cancelled: pass a context its owner cancels (tests: "+
					"t.Context())", types.ExprString(c), s.file.lineOf(as.Pos()))
				return false
			}
			if len(as.Lhs) != 2 || !strings.HasPrefix(types.ExprString(c.Fun), "context.With") {
				return true
			}
			if owner == nil {
				owner = e.cancelOwner(s, as)
			}
			cancel, ok := as.Lhs[1].(*ast.Ident)
			if !ok || !s.file.alone(as) {
				return true
			}
			switch {
			case cancel.Name == "_":
				if identUsed(s.decl, "cancel", nil) {
					why = "the cancel function is discarded, and the name cancel is taken in the function"
					return false
				}
				at := s.file.posOffset(cancel.Pos())
				sug = &report.Suggestion{
					Summary: fmt.Sprintf("keep the cancel function of %s and defer it, so the context ends when "+
						"%s returns", types.ExprString(as.Lhs[0]), s.decl.Name.Name),
					Edits: []report.Edit{newEdit(s.file, at, at+1, "cancel"), s.file.insertAfter(as, "defer cancel()")},
				}
			case !identUsed(s.decl, cancel.Name, as):
				sug = &report.Suggestion{
					Summary: fmt.Sprintf("defer %s() after %s, so the context ends when %s returns", cancel.Name,
						types.ExprString(c.Fun), s.decl.Name.Name),
					Edits: []report.Edit{s.file.insertAfter(as, "defer "+cancel.Name+"()")},
				}
			}
			return true
		})
		if sug != nil {
			return sug, ""
		}
		if owner != nil {
			// The cancel function is kept in a value: its closer cancels.
			if sug, whyOwner := e.closeOwner(owner, s.decl, s.file); sug != nil || whyOwner != "" {
				return sug, whyOwner
			}
			owner = nil
		}
	}
	return nil, why
}

// cancelOwner returns the owner keeping the cancel function as assigns
// (ctx, cancel := context.WithCancel(…)) in a field, and its closer: the
// cancel stored by `x.f` on the left, by `x.f = cancel` or by `T{f: cancel}`
// in s's function. nil when the cancel stays a local or no method of the
// owner calls it.
func (e *editor) cancelOwner(s *site, as *ast.AssignStmt) *ownerCloser {
	info := e.d.packageTypes(s.file)
	ownerOf := func(x ast.Expr) string {
		t := typeOf(info, x)
		if t == nil {
			return ""
		}
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := t.(*types.Named); ok && n.Obj().Pkg() != nil && info.Defs != nil {
			return n.Obj().Name()
		}
		return ""
	}
	typ, field := "", ""
	switch c := as.Lhs[1].(type) {
	case *ast.SelectorExpr:
		typ, field = ownerOf(c.X), c.Sel.Name
	case *ast.Ident:
		ast.Inspect(s.decl.Body, func(n ast.Node) bool {
			if typ != "" {
				return false
			}
			switch n := n.(type) {
			case *ast.CompositeLit:
				for _, el := range n.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if v, ok := kv.Value.(*ast.Ident); ok && v.Name == c.Name {
						if k, ok := kv.Key.(*ast.Ident); ok {
							typ, field = ownerOf(n), k.Name
						}
					}
				}
			case *ast.AssignStmt:
				for i, r := range n.Rhs {
					if v, ok := r.(*ast.Ident); ok && v.Name == c.Name && i < len(n.Lhs) {
						if sel, ok := n.Lhs[i].(*ast.SelectorExpr); ok {
							typ, field = ownerOf(sel.X), sel.Sel.Name
						}
					}
				}
			}
			return true
		})
	}
	if typ == "" {
		return nil
	}
	return e.d.closerOfField(e.d.pkgFiles(s.file), typ, field)
}

// unlockBeforeExits releases the mutex on the early exits that skip its
// unlock: in any function of the file that locks the same mutex (same
// receiver type and field, so an embedded mutex matches under another
// variable name), a lock statement followed by its unlock — in its own
// block, or after the loop whose body the lock opens — with a return or a
// branch that skips the unlock and no unlock before that exit, gets
// `mu.Unlock()` inserted before the exit. lock and unlock are the method
// pair: Lock and Unlock, or RLock and RUnlock.
func (e *editor) unlockBeforeExits(lock, unlock string) (*report.Suggestion, string) {
	n := e.s.onLine(func(n ast.Node) bool {
		_, name, ok := methodCall(n)
		return ok && (name == "Lock" || name == "RLock")
	})
	if n == nil {
		return nil, ""
	}
	f := e.s.file
	info := e.d.packageTypes(f)
	key := mutexKey(info, n.(*ast.CallExpr))
	if key == "" {
		return nil, ""
	}
	var edits []report.Edit
	var funcs []string
	why := ""
	ast.Inspect(f.ast, func(c ast.Node) bool {
		b, ok := c.(*ast.BlockStmt)
		if !ok {
			return true
		}
		for i, st := range b.List {
			es, ok := st.(*ast.ExprStmt)
			if !ok {
				continue
			}
			call, ok := es.X.(*ast.CallExpr)
			if !ok || mutexKey(info, call) != key {
				continue
			}
			if _, name, _ := methodCall(call); name != lock {
				continue
			}
			mu, _, _ := methodCall(call)
			region, exits, whyNot := unlockedRegion(f.ast, b, i, mu, unlock)
			if region == nil {
				if why == "" {
					why = whyNot
				}
				continue
			}
			for _, mid := range region {
				for _, exit := range skippedExits(mid, lastName(mu), lock, unlock, exits) {
					if !f.alone(exit) {
						return true
					}
					edits = append(edits, f.insertBefore(exit, mu+"."+unlock+"()"))
					funcs = append(funcs, fmt.Sprintf("line %d", f.lineOf(exit.Pos())))
				}
			}
		}
		return true
	})
	if len(edits) == 0 {
		return nil, why
	}
	return &report.Suggestion{
		Summary: fmt.Sprintf("add the missing %s() before the early exit at %s, which leaves the mutex locked",
			unlock, strings.Join(funcs, ", ")),
		Edits: edits,
	}, ""
}

// exitKinds says which statements leave a locked region without passing
// its unlock.
type exitKinds struct {
	// branches: an unlabeled continue or break of the region's own level
	// (the unlock follows in the same block, so both jump past it).
	branches bool
	// loopContinue: an unlabeled continue of the loop whose body the region
	// is (it starts the next iteration, which locks again); a break of that
	// loop reaches the unlock after it.
	loopContinue bool
}

// unlockedRegion returns the statements the lock at b.List[i] holds the
// mutex over, and which exits skip its unlock: the statements up to the
// unlock in the same block; or, when b is the body of a loop with no
// unlock of its own and the unlock follows the loop in the loop's block,
// the rest of the body. A loop that can also end by its condition (or its
// range) gets no region: a turn that unlocks before its continue and is
// the last would reach the unlock after the loop with the mutex unlocked,
// so the edit needs a rewrite of the loop; why says so.
func unlockedRegion(root ast.Node, b *ast.BlockStmt, i int, mu, unlock string) ([]ast.Stmt, exitKinds, string) {
	for j := i + 1; j < len(b.List); j++ {
		if r, ok := lockCall(b.List[j], unlock); ok && r == mu {
			return b.List[i+1 : j], exitKinds{branches: true}, ""
		}
	}
	var loop ast.Stmt
	bounded := false
	ast.Inspect(root, func(n ast.Node) bool {
		switch l := n.(type) {
		case *ast.ForStmt:
			if l.Body == b {
				loop, bounded = l, l.Cond != nil
			}
		case *ast.RangeStmt:
			if l.Body == b {
				loop, bounded = l, true
			}
		}
		return loop == nil
	})
	if loop == nil {
		return nil, exitKinds{}, ""
	}
	outer, at := enclosingBlock(root, loop)
	if outer == nil {
		return nil, exitKinds{}, ""
	}
	for _, st := range outer.List[at+1:] {
		if r, ok := lockCall(st, unlock); ok && r == mu {
			if bounded {
				return nil, exitKinds{}, fmt.Sprintf("the %s() after the loop is skipped by a continue, but the "+
					"loop can also end by its condition: an %s() before the continue would make that exit unlock "+
					"an unlocked mutex; unlock inside the loop on every path (a rewrite, not a mechanical edit)",
					unlock, unlock)
			}
			return b.List[i+1:], exitKinds{loopContinue: true}, ""
		}
		if mentionsCall(st, lastName(mu), unlock) {
			break
		}
	}
	return nil, exitKinds{}, ""
}

// mentionsCall reports whether n calls method on a receiver named recv
// (last name), anywhere inside it.
func mentionsCall(n ast.Node, recv, method string) bool {
	found := false
	ast.Inspect(n, func(c ast.Node) bool {
		if r, name, ok := methodCall(c); ok && name == method && lastName(r) == recv {
			found = true
		}
		return !found
	})
	return found
}

// skippedExits returns the return statements nested in st (not st
// itself, outside function literals), and the branches kinds counts, that
// no unlock (or second lock) of mu precedes in their own block.
func skippedExits(st ast.Stmt, mu, lock, unlock string, kinds exitKinds) []ast.Stmt {
	var exits []ast.Stmt
	// innerBreak: inside a for, range, switch or select of st, which an
	// unlabeled break leaves; innerLoop: inside a for or range, which an
	// unlabeled continue continues.
	var walk func(n ast.Node, innerBreak, innerLoop bool)
	walk = func(n ast.Node, innerBreak, innerLoop bool) {
		ast.Inspect(n, func(c ast.Node) bool {
			switch c := c.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				if c != n {
					walk(c, true, true)
					return false
				}
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if c != n {
					walk(c, true, innerLoop)
					return false
				}
			case *ast.BlockStmt:
				unlocked := false
				for _, s := range c.List {
					// An Unlock before the exit releases it; a Lock again
					// makes it a double lock, another shape.
					if r, ok := lockCall(s, unlock); ok && lastName(r) == mu {
						unlocked = true
					}
					if r, ok := lockCall(s, lock); ok && lastName(r) == mu {
						unlocked = true
					}
					if unlocked {
						continue
					}
					switch s := s.(type) {
					case *ast.ReturnStmt:
						exits = append(exits, s)
					case *ast.BranchStmt:
						if s.Label != nil {
							continue
						}
						switch {
						case s.Tok == token.CONTINUE && !innerLoop && (kinds.branches || kinds.loopContinue),
							s.Tok == token.BREAK && !innerBreak && kinds.branches:
							exits = append(exits, s)
						}
					}
				}
			}
			return true
		})
	}
	if _, block := st.(*ast.BlockStmt); !block {
		walk(st, false, false)
	}
	return exits
}

// mutexKey identifies the mutex a Lock or Unlock call works on across
// functions: the type of the receiver expression's owner and the field
// name ("*Store.mu"), or the type of a value with an embedded mutex. ""
// when the types are not known.
func mutexKey(info *types.Info, call *ast.CallExpr) string {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	switch x := sel.X.(type) {
	case *ast.SelectorExpr:
		if t := typeOf(info, x.X); t != nil {
			return typeText(t) + "." + x.Sel.Name
		}
	case *ast.Ident:
		if t := typeOf(info, x); t != nil {
			return typeText(t)
		}
	}
	return ""
}
