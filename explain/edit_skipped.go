package explain

import (
	"fmt"
	"go/ast"
	"go/types"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// This file holds the edits for a release the code already has but an
// early return skips: the close gets a copy before that return, and a
// plain Done of a goroutine becomes a deferred one, so every exit runs it.
// (A deferred release registered after the return is edit_late_defer.go's.)

// waitFor returns the wait read for g, nil when its source gave none.
func (d *diagnoser) waitFor(g *report.Group) *wait {
	for _, w := range d.waits {
		if w.g == g {
			return w
		}
	}
	return nil
}

// closeOnEarlyExit inserts the close an early return skips before that
// return: the group waits to receive (or range) on a channel whose close
// exists in the function that owns it, after a return that leaves the
// function without it. It applies when the close is a statement of its
// own, that function is the only one sending on the channel (no goroutine
// could send after the close), no other close of the channel comes before
// the return, and every name the close uses is in scope at the return.
func (e *editor) closeOnEarlyExit() (*report.Suggestion, string) {
	w := e.d.waitFor(e.g)
	if w == nil {
		return nil, ""
	}
	for _, obj := range w.objs {
		if obj.on != opRecv && !obj.ranges {
			continue
		}
		var closes, sends []*srcOp
		for _, p := range w.scope {
			closes = append(closes, p.lookup(obj.key, opClose)...)
			sends = append(sends, p.lookup(obj.key, opSend)...)
		}
		x, ok := e.d.skippedExit(w, closes)
		if !ok || x.started {
			continue
		}
		ret, ok := x.exit.(*ast.ReturnStmt)
		f := x.op.file
		if !ok || !f.alone(ret) {
			return nil, fmt.Sprintf("the return at line %d shares its line with other code", f.lineOf(x.exit.Pos()))
		}
		st := opStmt(x.op)
		if st == nil {
			return nil, fmt.Sprintf("the close at line %d is not a statement of its own", x.op.line)
		}
		for _, o := range sends {
			if o.fn != x.fn {
				return nil, fmt.Sprintf("%s is also sent on at %s:%d, outside %s: a close before the return could "+
					"come before that send", obj.text, e.d.rel(o.file.path), o.line, funcName(x.op.decl, x.fn))
			}
		}
		for _, o := range closes {
			if o != x.op && o.fn == x.fn && o.file == f && o.line < f.lineOf(ret.Pos()) {
				return nil, fmt.Sprintf("%s may already be closed at line %d before the return", obj.text, o.line)
			}
		}
		if !inScopeAt(e.d.packageTypes(f), st, ret) {
			return nil, fmt.Sprintf("the close at line %d uses a name the return at line %d does not see", x.op.line,
				f.lineOf(ret.Pos()))
		}
		text := f.text(st)
		e.fix = fmt.Sprintf("%s before the return at line %d as well: %s", text, f.lineOf(ret.Pos()), x.text)
		return &report.Suggestion{
			Summary: fmt.Sprintf("%s before the return at line %d too, which leaves %s without the close at line "+
				"%d: the waiting loop then ends", text, f.lineOf(ret.Pos()), funcName(x.op.decl, x.fn), x.op.line),
			Edits: []report.Edit{f.insertBefore(ret, text)},
		}, ""
	}
	return nil, ""
}

// opStmt returns the expression statement op is, nil when op is part of a
// larger statement or shares its line.
func opStmt(o *srcOp) ast.Stmt {
	s := o.file.locate(o.line)
	if s == nil {
		return nil
	}
	n := s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.ExprStmt); return ok })
	if n == nil || !o.file.alone(n) {
		return nil
	}
	return n.(ast.Stmt)
}

// inScopeAt reports whether every variable st names is declared before
// at, in a scope that holds at: a copy of st placed there means the same.
// It is false when the types are not known.
func inScopeAt(info *types.Info, st ast.Node, at ast.Node) bool {
	if info == nil {
		return false
	}
	ok := true
	ast.Inspect(st, func(n ast.Node) bool {
		id, isIdent := n.(*ast.Ident)
		if !isIdent || !ok {
			return ok
		}
		obj := info.Uses[id]
		if obj == nil {
			if _, builtin := types.Universe.Lookup(id.Name).(*types.Builtin); !builtin {
				// A selector's field or method is no variable of a scope.
				ok = isSelectorName(st, id)
			}
			return ok
		}
		v, isVar := obj.(*types.Var)
		if !isVar || v.IsField() || v.Parent() == nil || v.Parent() == v.Pkg().Scope() {
			return true
		}
		ok = v.Pos() < at.Pos() && v.Parent().Contains(at.Pos())
		return ok
	})
	return ok
}

// isSelectorName reports whether id is the Sel of a selector in root.
func isSelectorName(root ast.Node, id *ast.Ident) bool {
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel == id {
			found = true
		}
		return !found
	})
	return found
}

// deferSkippedDone makes the goroutine whose Done an early return skips
// call it on every exit, for a group waiting in WaitGroup.Wait: when a
// plain wg.Done() (one of the group's partners) is skipped by an early
// return (skippedExit) of a function a go statement starts, defer
// wg.Done() becomes that function's first statement and the plain calls
// go. It applies when each plain call is a statement of its own directly
// followed by a return (or ends the function), so no path called Done
// twice or goes on after it; the function must not call Add on the
// WaitGroup, and the Done's operand must be in scope at its start.
func (e *editor) deferSkippedDone() (*report.Suggestion, string) {
	w := e.d.waitFor(e.g)
	if w == nil || len(w.objs) == 0 {
		return nil, ""
	}
	dones := w.partners(w.objs[0])
	x, ok := e.d.skippedExit(w, dones)
	if !ok || x.started || !e.startedByGo(x.op) {
		return nil, ""
	}
	f := x.op.file
	body := funcBody(x.fn)
	if callsOn([]ast.Stmt{body}, w.objs[0].text, "Add") {
		return nil, ""
	}
	var plain []ast.Stmt
	for _, o := range dones {
		if o.fn != x.fn || o.file != f {
			continue
		}
		if o.deferred {
			return nil, ""
		}
		st := opStmt(o)
		if st == nil || !endsAfter(body, st) {
			return nil, fmt.Sprintf("the Done at line %d is not followed by a return, so deferring it would move it", o.line)
		}
		plain = append(plain, st)
	}
	if len(plain) == 0 || len(body.List) == 0 || !inScopeAt(e.d.packageTypes(f), plain[0], body.List[0]) {
		return nil, ""
	}
	text := "defer " + f.text(plain[0])
	first, ok := f.insertFirst(body, text)
	if !ok {
		return nil, ""
	}
	edits := []report.Edit{first}
	for _, st := range plain {
		edits = append(edits, f.deleteLines(st))
	}
	return &report.Suggestion{
		Summary: fmt.Sprintf("%s first thing in %s instead of at line %d: %s", text, funcName(x.op.decl, x.fn),
			x.op.line, x.text),
		Edits: edits,
	}, ""
}

// startedByGo reports whether the function holding o runs as a goroutine:
// a function literal a go statement starts, or a function or method every
// call of which, in the package's files, is a go statement.
func (e *editor) startedByGo(o *srcOp) bool {
	switch fn := o.fn.(type) {
	case *ast.FuncLit:
		return goStmtOf(o.decl, fn) != nil
	case *ast.FuncDecl:
		started, other := false, false
		for _, pf := range e.d.pkgFiles(o.file) {
			var goCalls []*ast.CallExpr
			ast.Inspect(pf.ast, func(n ast.Node) bool {
				if g, ok := n.(*ast.GoStmt); ok {
					goCalls = append(goCalls, g.Call)
				}
				c, ok := n.(*ast.CallExpr)
				if !ok || calleeName(c) != fn.Name.Name {
					return true
				}
				for _, gc := range goCalls {
					if gc == c {
						started = true
						return true
					}
				}
				other = true
				return true
			})
		}
		return started && !other
	}
	return false
}

// calleeName is the called function's or method's own name, "" for other
// calls.
func calleeName(c *ast.CallExpr) string {
	switch fun := c.Fun.(type) {
	case *ast.Ident:
		return fun.Name
	case *ast.SelectorExpr:
		return fun.Sel.Name
	}
	return ""
}

// callsOn reports whether list calls one of methods on recv (by its last
// name) anywhere inside, function literals included.
func callsOn(list []ast.Stmt, recv string, methods ...string) bool {
	for _, st := range list {
		for _, m := range methods {
			if mentionsCall(st, lastName(recv), m) {
				return true
			}
		}
	}
	return false
}

// endsAfter reports whether st, in body, is directly followed by a
// return in its own block, or is body's last statement.
func endsAfter(body *ast.BlockStmt, st ast.Stmt) bool {
	if n := len(body.List); n > 0 && body.List[n-1] == st {
		return true
	}
	b, i := enclosingBlock(body, st)
	if b == nil || i+1 >= len(b.List) {
		return false
	}
	_, ok := b.List[i+1].(*ast.ReturnStmt)
	return ok
}

// callOnEarlyExit calls the method that would release the group on the
// early exits that skip its call: the release (a send or close the group
// waits for) sits in a function M; a function F starts the goroutine
// through a call of the group's creator and calls M later, but returns in
// between. A copy of F's call of M goes before each such return. It
// applies when both calls are statements of F's own body, the returns are
// statements of their own, and every name the call uses is in scope
// there.
func (e *editor) callOnEarlyExit() (*report.Suggestion, string) {
	w := e.d.waitFor(e.g)
	cs := e.creatorSite()
	if w == nil || cs == nil || cs.decl == nil {
		return nil, ""
	}
	cf := cs.file
	info := e.d.packageTypes(cf)
	if info == nil {
		return nil, ""
	}
	creator := info.Defs[cs.decl.Name]
	for _, obj := range w.objs {
		for _, o := range w.partners(obj) {
			if o.decl == nil || o.fn != ast.Node(o.decl) || o.deferred || o.file.ast.Name.Name != cf.ast.Name.Name ||
				filepath.Dir(o.file.path) != filepath.Dir(cf.path) {
				continue
			}
			if sug := e.callBeforeExits(o, info, creator); sug != nil {
				return sug, ""
			}
		}
	}
	return nil, ""
}

// callBeforeExits looks, in the package of the release o, for the
// functions that call creator and then o's function (the functions as
// the package's types resolve the calls: info), with returns between them,
// and puts a copy of the call before each of those returns. Which of them
// started the group is not known, so every one must take the edit.
func (e *editor) callBeforeExits(o *srcOp, info *types.Info, creator types.Object) *report.Suggestion {
	m := info.Defs[o.decl.Name]
	if m == nil || creator == nil || m == creator {
		return nil
	}
	var edits []report.Edit
	var where []string
	failed := false
	for _, pf := range e.d.pkgFiles(o.file) {
		ast.Inspect(pf.ast, func(n ast.Node) bool {
			body := funcBody(n)
			if body == nil || failed {
				return !failed
			}
			start, call := -1, -1
			for i, st := range body.List {
				es, ok := st.(*ast.ExprStmt)
				if !ok {
					continue
				}
				cl, ok := es.X.(*ast.CallExpr)
				if !ok {
					continue
				}
				switch calleeObj(info, cl) {
				case creator:
					if start < 0 {
						start = i
					}
				case m:
					if start >= 0 && call < 0 {
						call = i
					}
				}
			}
			if start < 0 || call < 0 {
				return true
			}
			st := body.List[call]
			var lines []int
			for _, mid := range body.List[start+1 : call] {
				ast.Inspect(mid, func(x ast.Node) bool {
					if _, lit := x.(*ast.FuncLit); lit || failed {
						return false
					}
					ret, ok := x.(*ast.ReturnStmt)
					if !ok {
						return true
					}
					if !pf.alone(st) || !pf.alone(ret) || !inScopeAt(e.d.packageTypes(pf), st, ret) {
						failed = true
						return false
					}
					edits = append(edits, pf.insertBefore(ret, pf.text(st)))
					lines = append(lines, pf.lineOf(ret.Pos()))
					return true
				})
			}
			if len(lines) > 0 {
				where = append(where, fmt.Sprintf("%s before the return at line %s (the call at line %d is skipped)",
					pf.text(st), joinInts(lines), pf.lineOf(st.Pos())))
			}
			return true
		})
	}
	if failed || len(edits) == 0 {
		return nil
	}
	e.fix = fmt.Sprintf("call %s: it sends or closes what the goroutine waits for (line %d), and an early return "+
		"skips it", strings.Join(where, "; "), o.line)
	return &report.Suggestion{
		Summary: fmt.Sprintf("call %s, so the early exit releases the goroutine too", strings.Join(where, "; ")),
		Edits:   edits,
	}
}
