package explain

import (
	"fmt"
	"go/ast"
	"strings"
)

// ownDeferredClose reports a channel wait that only the goroutine's own
// deferred close would release: every statement that would release it is
// a close deferred by a function this goroutine is itself inside, so the
// close runs only once the wait returns, which it never does. The
// catalog's advice (a select, a sender that closes) reads as if someone
// else had to act; the fix is in this goroutine's own code. why is the
// clause for the summary, fix the group's fix; both "" when the shape
// does not fit.
func (d *diagnoser) ownDeferredClose(w *wait, ops []*srcOp) (why, fix string) {
	if len(ops) == 0 {
		return "", ""
	}
	at := -1 // the outermost frame that defers one of the closes
	for _, o := range ops {
		i := deferringFrame(w, o)
		// A local variable closed by an outer frame is that call's own:
		// a channel this goroutine made further down the stack, by
		// another call of the same function, is another one.
		if o.kind != opClose || i < 0 || i > 0 && o.key.local != nil {
			return "", ""
		}
		at = max(at, i)
	}
	o := ops[0]
	close := fmt.Sprintf("close(%s) at %s:%d", o.text, d.rel(o.file.path), o.line)
	if at == 0 {
		why = fmt.Sprintf("%s is deferred by this same function, so it runs only once this wait returns: the "+
			"goroutine waits for itself", close)
		fix = fmt.Sprintf("close %s before the wait at line %d instead of deferring it at line %d", o.text,
			w.site.line, o.line)
		return why, fix
	}
	fs := w.frames[at]
	name := funcName(fs.s.decl, fs.s.fn)
	why = fmt.Sprintf("%s is deferred by %s, which this goroutine is itself inside (at %s): for the same %s, the "+
		"close runs only once this wait returns, and the goroutine waits for itself", close, name, d.pos(fs.f), o.text)
	call, ok := callStmtAt(fs.s)
	if !ok {
		return why, ""
	}
	fix = fmt.Sprintf("do not wait for %s's deferred close from inside it: start `%s` at %s in its own goroutine "+
		"(go %s), so that %s can return and close %s", name, call, d.pos(fs.f), call, name, o.text)
	return why, fix
}

// deferringFrame is the index in w.frames of the frame whose function
// defers o, -1 when o is not deferred by a function on the stack.
func deferringFrame(w *wait, o *srcOp) int {
	if !o.deferred || o.deferIn == nil {
		return -1
	}
	for i, fs := range w.frames {
		if fs.s != nil && fs.s.fn == o.deferIn {
			return i
		}
	}
	return -1
}

// callStmtAt is the text of the statement at s when it is a call on a
// line of its own (an expression statement), which a go statement can
// start as it is.
func callStmtAt(s *site) (string, bool) {
	for i := len(s.path) - 1; i >= 0; i-- {
		st, ok := s.path[i].(*ast.ExprStmt)
		if !ok {
			continue
		}
		if _, ok := st.X.(*ast.CallExpr); !ok || s.file.lineOf(st.Pos()) != s.line || s.file.lineOf(st.End()) != s.line {
			return "", false
		}
		f := s.file
		return strings.TrimSpace(string(f.src[f.tok.Offset(st.Pos()):f.tok.Offset(st.End())])), true
	}
	return "", false
}
