package explain

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// This file holds the edit for a send whose receiver gave up: the
// receiver waits in a select that also has a way out, and leaves without
// taking the value; the sender, outside any select, waits forever. When the
// receiver's way out is a signal that stays on once given, and the sender
// reaches the same owner, the send goes in a select that also returns on
// that signal:
//   - a stop channel of the owner (<-x.closec) that is closed after the
//     receiving function returns (deferred in it, or right after a call
//     of it);
//   - the owner's context (<-ctx.Done() in the receiver, which then calls
//     x.cancel()): the sender selects on x.ctx.Done(), the context that
//     cancel belongs to (both kept from one context.WithCancel).

// receiverStop is the signal a sender can select on: its Go text in the
// sender's names and why it fires.
type receiverStop struct {
	expr, why string
}

// selectOnReceiverStop wraps the blocked send in a select with the
// receiver's stop signal, when one is found (see the file's comment).
func (e *editor) selectOnReceiverStop(send *ast.SendStmt) (*report.Suggestion, string) {
	w := e.d.waitFor(e.g)
	if w == nil || len(w.objs) == 0 || w.objs[0].on != opSend {
		return nil, ""
	}
	sx, ok := send.Chan.(*ast.SelectorExpr)
	if !ok {
		return nil, ""
	}
	base, ok := sx.X.(*ast.Ident)
	if !ok {
		return nil, ""
	}
	if ft := funcType(e.s.fn); ft == nil || ft.Results.NumFields() > 0 {
		return nil, ""
	}
	for _, r := range w.partners(w.objs[0]) {
		if r.kind != opRecv || !r.inSelect || r.decl == nil {
			continue
		}
		stop, ok := e.stopOf(w, r, sx.Sel.Name, base.Name)
		if !ok {
			continue
		}
		sug, why := e.wrapSendInSelect(send, stop.expr)
		if sug == nil {
			return nil, why
		}
		e.fix = fmt.Sprintf("send in a select that also returns on <-%s: %s", stop.expr, stop.why)
		sug.Summary = fmt.Sprintf("send in a select that also returns on <-%s, the receiver's way out (%s)", stop.expr, stop.why)
		return sug, ""
	}
	return nil, ""
}

// funcType returns fn's type, nil for other nodes.
func funcType(fn ast.Node) *ast.FuncType {
	switch fn := fn.(type) {
	case *ast.FuncLit:
		return fn.Type
	case *ast.FuncDecl:
		return fn.Type
	}
	return nil
}

// stopOf finds, in the select of the receive r, a stop case the sender
// can watch: field is the channel's field and base the owner's name at the
// send.
func (e *editor) stopOf(w *wait, r *srcOp, field, base string) (receiverStop, bool) {
	rs := r.file.locate(r.line)
	if rs == nil {
		return receiverStop{}, false
	}
	var sel *ast.SelectStmt
	for i := len(rs.path) - 1; i >= 0 && sel == nil; i-- {
		sel, _ = rs.path[i].(*ast.SelectStmt)
	}
	if sel == nil {
		return receiverStop{}, false
	}
	var recvBase string
	for _, st := range sel.Body.List {
		cc, ok := st.(*ast.CommClause)
		if !ok || cc.Comm == nil || r.file.lineOf(cc.Comm.Pos()) != r.line {
			continue
		}
		ch, _ := commChan(cc)
		if x, ok := ch.(*ast.SelectorExpr); ok && x.Sel.Name == field {
			if id, ok := x.X.(*ast.Ident); ok {
				recvBase = id.Name
			}
		}
	}
	if recvBase == "" {
		return receiverStop{}, false
	}
	for _, st := range sel.Body.List {
		cc, ok := st.(*ast.CommClause)
		if !ok || cc.Comm == nil || r.file.lineOf(cc.Comm.Pos()) == r.line {
			continue
		}
		es, ok := cc.Comm.(*ast.ExprStmt)
		if !ok {
			continue
		}
		u, ok := ast.Unparen(es.X).(*ast.UnaryExpr)
		if !ok || u.Op != token.ARROW {
			continue
		}
		if y, ok := u.X.(*ast.SelectorExpr); ok {
			if id, ok := y.X.(*ast.Ident); ok && id.Name == recvBase {
				if why := e.closedAfter(w, r, rs, y); why != "" {
					return receiverStop{base + "." + y.Sel.Name, why}, true
				}
			}
			continue
		}
		if _, done := isDoneRecv(u); !done || !endsInReturn(cc.Body) {
			continue
		}
		for _, b := range cc.Body {
			es, ok := b.(*ast.ExprStmt)
			if !ok {
				continue
			}
			c, ok := es.X.(*ast.CallExpr)
			if !ok || len(c.Args) != 0 {
				continue
			}
			cs, ok := c.Fun.(*ast.SelectorExpr)
			if !ok {
				continue
			}
			if id, ok := cs.X.(*ast.Ident); ok && id.Name == recvBase {
				if ctxField := e.d.contextOfCancel(r.file, cs.Sel.Name); ctxField != "" {
					return receiverStop{base + "." + ctxField + ".Done()",
						fmt.Sprintf("the receiver's select at line %d leaves on its context's Done and cancels %s.%s "+
							"with %s.%s()", r.file.lineOf(sel.Pos()), recvBase, ctxField, recvBase, cs.Sel.Name)}, true
				}
			}
		}
	}
	return receiverStop{}, false
}

// endsInReturn reports whether list's last statement is a return.
func endsInReturn(list []ast.Stmt) bool {
	if len(list) == 0 {
		return false
	}
	_, ok := list[len(list)-1].(*ast.ReturnStmt)
	return ok
}

// closedAfter says why the stop channel y (a field of the receiver's
// owner, at the receive's site rs) is closed once the receiving function
// has returned, "" when that is not shown: a close of it deferred in that
// function, or a close right after a call of it in the same block.
func (e *editor) closedAfter(w *wait, r *srcOp, rs *site, y *ast.SelectorExpr) string {
	ops := e.d.src.dirOps(r.file.path)
	if ops == nil {
		return ""
	}
	k, ok := keyOf(y, rs.decl, rs.fn, ops.pkgVar)
	if !ok {
		return ""
	}
	k = r.file.typedKey(k, y)
	fn := r.decl.Name.Name
	for _, c := range ops.lookup(k, opClose) {
		if c.deferred && c.decl == r.decl {
			return fmt.Sprintf("%s, which closes %s when it returns (line %d)", funcName(r.decl, r.decl),
				types.ExprString(y), c.line)
		}
		cs := c.file.locate(c.line)
		if cs == nil {
			continue
		}
		st, ok := cs.onLine(func(n ast.Node) bool { _, ok := n.(*ast.ExprStmt); return ok }).(*ast.ExprStmt)
		if !ok {
			continue
		}
		b, i := enclosingBlock(cs.fn, st)
		if b == nil {
			continue
		}
		for _, prev := range b.List[:i] {
			if es, ok := prev.(*ast.ExprStmt); ok {
				if call, ok := es.X.(*ast.CallExpr); ok && calleeName(call) == fn {
					return fmt.Sprintf("%s closes %s at line %d, right after %s returns", funcName(c.decl, c.fn),
						types.ExprString(y), c.line, fn)
				}
			}
		}
	}
	return ""
}

// contextOfCancel returns the context field kept with the cancel field
// cancel from one context.With… call in the package of f (pairedFields),
// "" when none is found.
func (d *diagnoser) contextOfCancel(f *srcFile, cancel string) string {
	for _, pf := range d.pkgFiles(f) {
		for _, decl := range pf.ast.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Body != nil {
				if found := pairedFields(fd.Body, cancel); found != "" {
					return found
				}
			}
		}
	}
	return ""
}

// pairedFields finds in body a context and its cancel kept in fields, the
// cancel under the name cancel, and returns the context's field: by
// x.ctx, x.cancel = context.With…(…), or by cx, cn := context.With…(…) and
// a composite literal T{ctx: cx, cancel: cn}.
func pairedFields(body *ast.BlockStmt, cancel string) string {
	pairs := map[string]string{} // cancel variable → context variable
	found := ""
	ast.Inspect(body, func(n ast.Node) bool {
		if found != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			c, ok := ast.Unparen(n.Rhs[0]).(*ast.CallExpr)
			if len(n.Lhs) != 2 || len(n.Rhs) != 1 || !ok || !cancellable(c) {
				return true
			}
			if kx, ok := n.Lhs[0].(*ast.SelectorExpr); ok {
				if kc, ok := n.Lhs[1].(*ast.SelectorExpr); ok && kc.Sel.Name == cancel {
					found = kx.Sel.Name
				}
			}
			cx, ok1 := n.Lhs[0].(*ast.Ident)
			cn, ok2 := n.Lhs[1].(*ast.Ident)
			if ok1 && ok2 {
				pairs[cn.Name] = cx.Name
			}
		case *ast.CompositeLit:
			keys := map[string]string{} // value variable → key
			for _, el := range n.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					k, ok1 := kv.Key.(*ast.Ident)
					v, ok2 := kv.Value.(*ast.Ident)
					if ok1 && ok2 {
						keys[v.Name] = k.Name
					}
				}
			}
			for cn, cx := range pairs {
				if keys[cn] == cancel && keys[cx] != "" {
					found = keys[cx]
				}
			}
		}
		return true
	})
	return found
}

// wrapSendInSelect puts the send in a select whose other case, <-stop,
// returns from the sending function (which has no results).
func (e *editor) wrapSendInSelect(send *ast.SendStmt, stop string) (*report.Suggestion, string) {
	f := e.s.file
	if !f.alone(send) {
		return nil, "the send shares its line with other code"
	}
	indent := f.indentAt(f.posOffset(send.Pos()))
	var b strings.Builder
	fmt.Fprintf(&b, "select {\n%scase %s:\n%scase <-%s:\n%s\treturn\n%s}", indent, f.text(send), indent, stop, indent, indent)
	return &report.Suggestion{Edits: []report.Edit{newEdit(f, f.posOffset(send.Pos()), f.posOffset(send.End()), b.String())}}, ""
}

// selectOnOwnerContext wraps the blocked send in a select on a context the
// sender reaches through its parameter p (p.f, a context.Context field of
// the struct p points to) when that context is cancelled once the
// receiver's function returns: the go statement starting the sender passes
// p from a parameter of the receiver's function F, and every call of F
// passes a value built in its caller as &T{f: ctx} from ctx, cancel :=
// context.With…(…) whose cancel the caller defers or calls after the call
// of F.
func (e *editor) selectOnOwnerContext(send *ast.SendStmt) (*report.Suggestion, string) {
	decl, ok := e.s.fn.(*ast.FuncDecl)
	cs := e.creatorSite()
	info := e.d.packageTypes(e.s.file)
	if !ok || cs == nil || info == nil || decl.Type.Results.NumFields() > 0 {
		return nil, ""
	}
	gs, ok := cs.onLine(func(n ast.Node) bool { _, ok := n.(*ast.GoStmt); return ok }).(*ast.GoStmt)
	if !ok || calleeObj(info, gs.Call) != info.Defs[decl.Name] {
		return nil, ""
	}
	idx := -1
	for _, field := range decl.Type.Params.List {
		for _, name := range field.Names {
			idx++
			ctxField := e.ctxFieldOf(field.Type)
			if ctxField == "" || idx >= len(gs.Call.Args) {
				continue
			}
			arg, ok := gs.Call.Args[idx].(*ast.Ident)
			if !ok {
				continue
			}
			owner, j := paramOwner(cs, arg.Name)
			if owner == nil || j < 0 || !e.cancelledAfterCalls(info, owner, j, ctxField) {
				continue
			}
			stop := name.Name + "." + ctxField + ".Done()"
			sug, why := e.wrapSendInSelect(send, stop)
			if sug == nil {
				return nil, why
			}
			e.fix = fmt.Sprintf("send in a select that also returns on <-%s: every caller of %s cancels that context "+
				"once %s returns, so the send no longer outlives its receiver", stop, owner.Name.Name, owner.Name.Name)
			sug.Summary = fmt.Sprintf("send in a select that also returns on <-%s, which is cancelled once %s, the "+
				"receiver, has returned", stop, owner.Name.Name)
			return sug, ""
		}
	}
	return nil, ""
}

// ctxFieldOf returns the context.Context field of the struct type that
// typ (a pointer to a type of the package) names, "" when there is none
// or more than one.
func (e *editor) ctxFieldOf(typ ast.Expr) string {
	star, ok := typ.(*ast.StarExpr)
	if !ok {
		return ""
	}
	name, ok := star.X.(*ast.Ident)
	if !ok {
		return ""
	}
	found := ""
	for _, pf := range e.d.pkgFiles(e.s.file) {
		ast.Inspect(pf.ast, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || ts.Name.Name != name.Name {
				return true
			}
			if st, ok := ts.Type.(*ast.StructType); ok {
				for _, f := range st.Fields.List {
					if types.ExprString(f.Type) == "context.Context" && len(f.Names) == 1 {
						if found != "" {
							found = "-"
						} else {
							found = f.Names[0].Name
						}
					}
				}
			}
			return false
		})
	}
	if found == "-" {
		return ""
	}
	return found
}

// cancelledAfterCalls reports whether every call of fn passes, as its
// argument number idx, a local built as &T{field: ctx} (or T{…}) in the
// caller from ctx, cancel := context.With…(…), with cancel deferred in the
// caller or called in a statement after the call's.
func (e *editor) cancelledAfterCalls(info *types.Info, fn *ast.FuncDecl, idx int, field string) bool {
	obj := info.Defs[fn.Name]
	if obj == nil {
		return false
	}
	calls, ok := 0, true
	for _, pf := range e.d.pkgFiles(e.s.file) {
		for _, d := range pf.ast.Decls {
			caller, isFunc := d.(*ast.FuncDecl)
			if !isFunc || caller.Body == nil {
				continue
			}
			ast.Inspect(caller.Body, func(n ast.Node) bool {
				c, isCall := n.(*ast.CallExpr)
				if !ok || !isCall || calleeObj(info, c) != obj {
					return ok
				}
				calls++
				ok = idx < len(c.Args) && cancelsAfter(caller.Body, c, c.Args[idx], field)
				return ok
			})
		}
	}
	return ok && calls > 0
}

// cancelsAfter reports whether, in body, arg is a local built with field
// set to a context whose cancel is deferred, or called by a statement of
// body after the one holding call.
func cancelsAfter(body *ast.BlockStmt, call *ast.CallExpr, arg ast.Expr, field string) bool {
	v, ok := arg.(*ast.Ident)
	if !ok {
		return false
	}
	ctxVar := ""
	pairs := map[string]string{} // context variable → cancel variable
	for _, st := range body.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 {
			continue
		}
		if c, ok := as.Rhs[0].(*ast.CallExpr); ok && cancellable(c) && len(as.Lhs) == 2 {
			cx, ok1 := as.Lhs[0].(*ast.Ident)
			cn, ok2 := as.Lhs[1].(*ast.Ident)
			if ok1 && ok2 {
				pairs[cx.Name] = cn.Name
			}
		}
		if id, ok := as.Lhs[0].(*ast.Ident); ok && id.Name == v.Name && len(as.Lhs) == 1 {
			lit := as.Rhs[0]
			if u, ok := lit.(*ast.UnaryExpr); ok && u.Op == token.AND {
				lit = u.X
			}
			if cl, ok := lit.(*ast.CompositeLit); ok {
				for _, el := range cl.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok && types.ExprString(kv.Key) == field {
						ctxVar = types.ExprString(kv.Value)
					}
				}
			}
		}
	}
	cancel := pairs[ctxVar]
	if cancel == "" {
		return false
	}
	after := false
	for _, st := range body.List {
		if d, ok := st.(*ast.DeferStmt); ok && isIdentCall(d.Call, cancel) {
			return true
		}
		if st.Pos() <= call.Pos() && call.End() <= st.End() {
			after = true
			continue
		}
		if es, ok := st.(*ast.ExprStmt); ok && after {
			if c, ok := es.X.(*ast.CallExpr); ok && isIdentCall(c, cancel) {
				return true
			}
		}
	}
	return false
}
