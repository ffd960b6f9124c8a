package explain

import (
	"fmt"
	"go/ast"
	"go/types"

	"github.com/leakhound/leakhound/report"
)

// closeAfterWait closes a ranged channel once the goroutines sending on it
// are done: the channel is a local of the function F that starts the
// ranging goroutine; nothing closes it; every other use of it is in a
// goroutine F starts whose first statement is `defer wg.Done()` (a send,
// or an argument of a call made there); and F waits for them with
// wg.Wait(), using the channel no more after (and they do not call Add,
// so Wait cannot return before one of them starts). close(ch) right after
// that Wait ends the range once the last value is in. A callee handed the
// channel is taken to send on it only while it runs.
func (e *editor) closeAfterWait() (*report.Suggestion, string) {
	n := e.s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.RangeStmt); return ok })
	if n == nil || e.s.decl == nil {
		return nil, ""
	}
	id, ok := n.(*ast.RangeStmt).X.(*ast.Ident)
	info := e.d.packageTypes(e.s.file)
	if !ok || info == nil {
		return nil, ""
	}
	ch := info.Uses[id]
	f := e.s.file
	body := e.s.decl.Body
	if ch == nil || len(f.closes(e.s.decl, id.Name)) > 0 {
		return nil, ""
	}
	if mk, _ := f.makeChan(e.s.decl, id.Name); mk == nil {
		return nil, ""
	}
	for _, st := range body.List {
		wait, ok := lockCall(st, "Wait")
		if !ok {
			continue
		}
		ok = true
		senders := 0
		inspectPath(body, func(x ast.Node, stack []ast.Node) bool {
			use, isIdent := x.(*ast.Ident)
			if !ok || !isIdent || info.Uses[use] != ch || use == id {
				return ok
			}
			if use.Pos() > st.Pos() {
				ok = false
				return false
			}
			lit := goLiteral(stack)
			if lit == nil || len(lit.Body.List) == 0 {
				ok = false
				return false
			}
			d, isDefer := lit.Body.List[0].(*ast.DeferStmt)
			if !isDefer || mentionsCall(lit.Body, lastName(wait), "Add") {
				ok = false
				return false
			}
			if r, name, isCall := methodCall(d.Call); !isCall || name != "Done" || r != wait {
				ok = false
				return false
			}
			switch p := stack[len(stack)-2].(type) {
			case *ast.SendStmt:
				ok = p.Chan == ast.Expr(use)
			case *ast.CallExpr:
				ok = p.Fun != ast.Expr(use)
			default:
				ok = false
			}
			senders++
			return ok
		})
		if !ok || senders == 0 || !f.alone(st) {
			return nil, ""
		}
		e.fix = fmt.Sprintf("call close(%s) right after %s.Wait() (line %d): every goroutine that sends on it has "+
			"returned by then, and the range at line %d ends once the last value is in", id.Name, wait,
			f.lineOf(st.Pos()), e.s.line)
		return &report.Suggestion{
			Summary: fmt.Sprintf("close %s after %s.Wait(), when its senders are done", id.Name, wait),
			Edits:   []report.Edit{f.insertAfter(st, "close("+id.Name+")")},
		}, ""
	}
	return nil, types.ExprString(id) + " has no Wait for its senders to close it after"
}
