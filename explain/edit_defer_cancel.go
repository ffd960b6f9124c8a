package explain

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/leakhound/leakhound/report"
)

// This file holds the edit for a context whose cancel exists but not every
// exit of the function that made it calls it: the function derives ctx
// with a cancel, starts a goroutine that waits on it (or that waits to call
// the cancel), and returns on a path that never cancels. `defer cancel()`
// right after the context is made ends it on every exit. It is offered only
// when neither the context nor its cancel leaves the function (returned,
// stored outside a local, sent, captured by a closure that could outlive
// it): then nothing may use the context after the function returns.

// cancelOnEveryExit handles the two shapes, by the goroutine's wait:
//   - it waits in a select or receive on ctx.Done(), ctx being the
//     context its creator derived (passed by the go statement, or
//     captured): the defer alone ends it, when the Done case returns;
//   - it is a function literal blocked in a plain receive, after which it
//     calls the creator's cancel (a watcher turning a stop signal into a
//     cancel): the defer, and a select that also returns on ctx.Done().
func (e *editor) cancelOnEveryExit() (*report.Suggestion, string) {
	cs := e.creatorSite()
	if cs == nil {
		return nil, ""
	}
	cf := cs.file
	gs, ok := cs.onLine(func(n ast.Node) bool { _, ok := n.(*ast.GoStmt); return ok }).(*ast.GoStmt)
	if !ok {
		return nil, ""
	}
	fn := enclosingFunc(cf, gs)
	body := funcBody(fn)
	if body == nil {
		return nil, ""
	}
	lit, isLit := gs.Call.Fun.(*ast.FuncLit)
	ownLit := isLit && e.s.fn == ast.Node(lit)

	// The context the goroutine waits on, as the creator names it.
	ctxName := ""
	var recv *ast.UnaryExpr // shape two: the plain receive to wrap
	if done := e.doneWaited(); done != "" {
		switch {
		case ownLit:
			ctxName = done
		case !isLit && e.s.decl != nil && e.s.fn == ast.Node(e.s.decl) && calleeName(gs.Call) == e.s.decl.Name.Name:
			if i := paramIndex(e.s.decl, done); i >= 0 && i < len(gs.Call.Args) {
				if id, ok := gs.Call.Args[i].(*ast.Ident); ok {
					ctxName = id.Name
				}
			}
		}
	} else if ownLit {
		if u, ok := e.s.onLine(func(n ast.Node) bool { u, ok := n.(*ast.UnaryExpr); return ok && u.Op == token.ARROW }).(*ast.UnaryExpr); ok {
			recv = u
		}
	}
	if ctxName == "" && recv == nil {
		return nil, ""
	}
	info := e.d.packageTypes(cf)
	if info == nil {
		return nil, ""
	}
	for _, st := range body.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 || cf.lineOf(as.Pos()) >= cs.line || !cf.alone(as) {
			continue
		}
		call, ok := as.Rhs[0].(*ast.CallExpr)
		ctxID, ok1 := as.Lhs[0].(*ast.Ident)
		cancelID, ok2 := as.Lhs[1].(*ast.Ident)
		if !ok || !ok1 || !ok2 || !cancellable(call) || cancelID.Name == "_" || ctxID.Name == "_" {
			continue
		}
		if recv != nil {
			// Shape two: the goroutine calls this cancel after its wait.
			if !callsIdent(lit.Body, cancelID.Name) {
				continue
			}
			ctxName = ctxID.Name
		}
		if ctxID.Name != ctxName {
			continue
		}
		ctxObj, cancelObj := objectOf(info, ctxID), objectOf(info, cancelID)
		if ctxObj == nil || cancelObj == nil {
			return nil, ""
		}
		if why := escapesFunc(info, cf, body, as, ctxObj, cancelObj); why != "" {
			return nil, why
		}
		def := cf.insertAfter(as, "defer "+cancelID.Name+"()")
		fname := funcName(cs.decl, fn)
		if recv == nil {
			if !e.doneCaseReturns() {
				return nil, ""
			}
			e.fix = fmt.Sprintf("defer %s() right after %s (line %d): %s returns on a path that never cancels %s, "+
				"and the goroutine waits for that", cancelID.Name, types.ExprString(call.Fun), cf.lineOf(as.Pos()),
				fname, ctxName)
			return &report.Suggestion{
				Summary: fmt.Sprintf("defer %s() after %s, so %s ends on every exit of %s and the goroutine's "+
					"Done case returns", cancelID.Name, types.ExprString(call.Fun), ctxName, fname),
				Edits: []report.Edit{def},
			}, ""
		}
		wrap, why := e.wrapInSelect(recv)
		if wrap == nil {
			return nil, why
		}
		if ctx, _ := e.contextInScope(); ctx.expr != ctxName {
			return nil, ""
		}
		e.fix = fmt.Sprintf("defer %s() right after %s (line %d), and have the goroutine also return on "+
			"<-%s.Done(): it waits only to cancel %s, which is done with once %s returns", cancelID.Name,
			types.ExprString(call.Fun), cf.lineOf(as.Pos()), ctxName, ctxName, fname)
		// What it waits for may well come, late (an agent's shutdown):
		// the leak is that every call leaves a goroutine waiting for it.
		e.why = fmt.Sprintf("%s: `%s` waits only to call %s() afterwards, and %s returns without ending that "+
			"wait: each call leaves one more goroutine blocked here", e.d.pos(e.g.Block), e.s.text,
			cancelID.Name, fname)
		return &report.Suggestion{
			Summary: fmt.Sprintf("defer %s() after %s, and receive in a select that also returns on <-%s.Done(): the "+
				"goroutine ends when %s returns", cancelID.Name, types.ExprString(call.Fun), ctxName, fname),
			Edits: append([]report.Edit{def}, wrap.Edits...),
		}, ""
	}
	return nil, ""
}

// cancellable reports whether c derives a context with a cancel function.
func cancellable(c *ast.CallExpr) bool {
	for _, name := range []string{"WithCancel", "WithTimeout", "WithDeadline", "WithCancelCause",
		"WithTimeoutCause", "WithDeadlineCause"} {
		if isCallTo(c, "context", name) {
			return true
		}
	}
	return false
}

// doneWaited returns the context whose Done the blocking statement waits
// on, in a select case or a bare receive, "" when it waits on none.
func (e *editor) doneWaited() string {
	if sel, ok := e.s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.SelectStmt); return ok }).(*ast.SelectStmt); ok {
		for _, st := range sel.Body.List {
			if cc, ok := st.(*ast.CommClause); ok && cc.Comm != nil {
				if ctx, ok := isDoneRecv(&ast.UnaryExpr{Op: token.ARROW, X: commExpr(cc)}); ok {
					return ctx
				}
			}
		}
		return ""
	}
	if u, ok := e.s.onLine(func(n ast.Node) bool { u, ok := n.(*ast.UnaryExpr); return ok && u.Op == token.ARROW }).(*ast.UnaryExpr); ok {
		if ctx, ok := isDoneRecv(u); ok {
			return ctx
		}
	}
	return ""
}

// doneCaseReturns reports whether the wait ends the goroutine once the
// context is done: a bare receive from Done followed by nothing that waits
// again is not known, so only a select whose Done case ends in a return,
// or a bare Done receive that is its function's last statement, count.
func (e *editor) doneCaseReturns() bool {
	if sel, ok := e.s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.SelectStmt); return ok }).(*ast.SelectStmt); ok {
		for _, st := range sel.Body.List {
			cc, ok := st.(*ast.CommClause)
			if !ok || cc.Comm == nil {
				continue
			}
			if _, done := isDoneRecv(&ast.UnaryExpr{Op: token.ARROW, X: commExpr(cc)}); done && len(cc.Body) > 0 {
				_, ret := cc.Body[len(cc.Body)-1].(*ast.ReturnStmt)
				return ret
			}
		}
		return false
	}
	body := funcBody(e.s.fn)
	if body == nil || len(body.List) == 0 {
		return false
	}
	last := body.List[len(body.List)-1]
	return e.s.file.lineOf(last.Pos()) == e.s.line && e.s.file.alone(last)
}

// callsIdent reports whether root calls the function value named name.
func callsIdent(root ast.Node, name string) bool {
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && isIdentCall(c, name) {
			found = true
		}
		return !found
	})
	return found
}

// objectOf returns the variable id defines or uses.
func objectOf(info *types.Info, id *ast.Ident) types.Object {
	if o := info.Defs[id]; o != nil {
		return o
	}
	return info.Uses[id]
}

// escapesFunc says how the context or the cancel leaves the function body
// (def defines them), "" when they stay inside it: each use of the context
// is a call's argument (a go statement's too) or a method call on it
// (ctx.Done()); each use of the cancel is a call of it, or its keeping in
// a local struct (x := &T{f: cancel}) whose own uses only call or read its
// fields. A use inside a function literal counts only in a literal that a
// go or defer statement runs.
func escapesFunc(info *types.Info, f *srcFile, body *ast.BlockStmt, def *ast.AssignStmt, ctx, cancel types.Object) string {
	why := ""
	// check walks the uses of the tracked objects; passable ones may be
	// handed to calls. It returns the holders found.
	check := func(tracked map[types.Object]bool, passable types.Object) map[types.Object]bool {
		holders := map[types.Object]bool{}
		inspectPath(body, func(n ast.Node, stack []ast.Node) bool {
			if why != "" {
				return false
			}
			id, ok := n.(*ast.Ident)
			if !ok || len(stack) < 2 {
				return true
			}
			obj := info.Uses[id]
			if obj == nil || !tracked[obj] {
				return true
			}
			at := f.lineOf(id.Pos())
			if !ranByGoOrDefer(stack) {
				why = fmt.Sprintf("%s is captured at line %d by a function literal that may outlive the function",
					id.Name, at)
				return false
			}
			switch p := stack[len(stack)-2].(type) {
			case *ast.CallExpr:
				if p.Fun == id {
					return true // cancel()
				}
				if obj != passable {
					why = fmt.Sprintf("%s is passed on at line %d, so another owner may keep it", id.Name, at)
					return false
				}
				return true // the context passed to a call
			case *ast.SelectorExpr:
				return true // ctx.Done(), holder.cancel()
			case *ast.KeyValueExpr:
				if h := holderOf(info, stack); h != nil && p.Value == id {
					holders[h] = true
					return true
				}
			case *ast.AssignStmt:
				if p == def {
					return true
				}
			}
			why = fmt.Sprintf("%s leaves the function at line %d (returned, stored or sent)", id.Name, at)
			return false
		})
		return holders
	}
	holders := check(map[types.Object]bool{ctx: true, cancel: true}, ctx)
	if why == "" && len(holders) > 0 {
		check(holders, nil)
	}
	return why
}

// ranByGoOrDefer reports whether every function literal on stack (the
// nodes from the body down to a use) is run by a go or defer statement,
// so the use happens while the function runs or in a goroutine it starts.
func ranByGoOrDefer(stack []ast.Node) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		lit, ok := stack[i].(*ast.FuncLit)
		if !ok {
			continue
		}
		if i < 2 {
			return false
		}
		call, isCall := stack[i-1].(*ast.CallExpr)
		if !isCall || call.Fun != lit {
			return false
		}
		switch stack[i-2].(type) {
		case *ast.GoStmt, *ast.DeferStmt:
		default:
			return false
		}
	}
	return true
}

// holderOf returns the local variable a composite literal at the end of
// stack initialises, x := &T{…} or x := T{…}; nil otherwise.
func holderOf(info *types.Info, stack []ast.Node) types.Object {
	for i := len(stack) - 1; i >= 1; i-- {
		if _, ok := stack[i].(*ast.CompositeLit); !ok {
			continue
		}
		j := i - 1
		if u, ok := stack[j].(*ast.UnaryExpr); ok && u.Op == token.AND {
			j--
		}
		if j < 0 {
			return nil
		}
		as, ok := stack[j].(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 1 {
			return nil
		}
		id, ok := as.Lhs[0].(*ast.Ident)
		if !ok {
			return nil
		}
		return info.Defs[id]
	}
	return nil
}
