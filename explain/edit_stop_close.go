package explain

import (
	"fmt"
	"go/ast"
	"go/types"

	"github.com/leakhound/leakhound/report"
)

// closeForEveryWaiter turns the one send that is meant to stop several
// goroutines into a close: a chan struct{} that nothing closes and only
// one statement sends an empty value on releases one waiter per send, so
// with several waiters (the group has more than one goroutine, or its go
// statement runs in a loop) the others wait on. A close releases every
// waiter, now and later. It applies when every receive of the channel is a
// bare `<-ch`, as a statement or a select case (the value and its ok are
// never read, so a close means the same to them), and the group's own
// case returns.
func (e *editor) closeForEveryWaiter() (*report.Suggestion, string) {
	w := e.d.waitFor(e.g)
	if w == nil {
		return nil, ""
	}
	sel, ok := e.s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.SelectStmt); return ok }).(*ast.SelectStmt)
	if !ok {
		return nil, ""
	}
	for _, obj := range w.objs {
		if obj.on != opRecv || !stopCaseReturns(e.s.file, sel, obj.line) {
			continue
		}
		var sends, closes, recvs []*srcOp
		for _, p := range w.scope {
			sends = append(sends, p.lookup(obj.key, opSend)...)
			closes = append(closes, p.lookup(obj.key, opClose)...)
			recvs = append(recvs, p.lookup(obj.key, opRecv, opRange)...)
		}
		if len(sends) != 1 || len(closes) != 0 || !e.severalWaiters() {
			continue
		}
		send := sends[0]
		s := send.file.locate(send.line)
		if s == nil {
			continue
		}
		st, ok := s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.SendStmt); return ok }).(*ast.SendStmt)
		if !ok || !send.file.alone(st) || types.ExprString(st.Value) != "struct{}{}" || send.inSelect {
			continue
		}
		for _, r := range recvs {
			if !bareReceive(r) {
				return nil, fmt.Sprintf("%s is received at %s:%d in a way a close would change", obj.text,
					e.d.rel(r.file.path), r.line)
			}
		}
		ch := types.ExprString(st.Chan)
		f := send.file
		e.fix = fmt.Sprintf("replace the send at line %d with close(%s): one send releases one of the goroutines "+
			"waiting on %s, and the others wait on", send.line, ch, ch)
		// Whether the send ran is not known, and need not be: the
		// goroutines here wait either way.
		e.why = fmt.Sprintf("%s: `%s` waits on %s, which only the send at %s:%d in %s releases, one goroutine "+
			"per send: with several goroutines waiting on it, a send leaves the others waiting whether it ran or not",
			e.d.pos(e.g.Block), e.s.text, obj.text, e.d.rel(f.path), send.line, funcName(send.decl, send.fn))
		return &report.Suggestion{
			Summary: fmt.Sprintf("close %s in %s instead of sending on it, so every goroutine waiting on it "+
				"returns, not just one", ch, funcName(send.decl, send.fn)),
			Edits: []report.Edit{newEdit(f, f.posOffset(st.Pos()), f.posOffset(st.End()), "close("+ch+")")},
		}, ""
	}
	return nil, ""
}

// stopCaseReturns reports whether sel's case receiving at line is a bare
// receive whose body ends in a return.
func stopCaseReturns(f *srcFile, sel *ast.SelectStmt, line int) bool {
	for _, st := range sel.Body.List {
		cc, ok := st.(*ast.CommClause)
		if !ok || cc.Comm == nil || f.lineOf(cc.Comm.Pos()) != line {
			continue
		}
		if _, bare := cc.Comm.(*ast.ExprStmt); !bare || len(cc.Body) == 0 {
			return false
		}
		_, ret := cc.Body[len(cc.Body)-1].(*ast.ReturnStmt)
		return ret
	}
	return false
}

// bareReceive reports whether the receive o is `<-ch` as a statement or
// as a select case, with nothing reading what it received.
func bareReceive(o *srcOp) bool {
	if o.kind != opRecv {
		return false
	}
	s := o.file.locate(o.line)
	if s == nil {
		return false
	}
	n := s.onLine(func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CommClause:
			return n.Comm != nil
		case *ast.ExprStmt:
			return true
		}
		return false
	})
	switch n := n.(type) {
	case *ast.CommClause:
		_, ok := n.Comm.(*ast.ExprStmt)
		return ok
	case *ast.ExprStmt:
		_, ok := ast.Unparen(n.X).(*ast.UnaryExpr)
		return ok
	}
	return false
}

// severalWaiters reports whether more than one goroutine runs the group's
// wait: the group holds several, or the go statement that started it runs
// in a loop.
func (e *editor) severalWaiters() bool {
	if e.g.Count > 1 {
		return true
	}
	cs := e.creatorSite()
	return cs != nil && cs.loops > 0
}
