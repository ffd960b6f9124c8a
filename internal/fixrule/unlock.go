package fixrule

import (
	"go/ast"
	"go/types"
	"strings"
)

// Around is the edit that releases a lock around one statement and takes
// it again after: Unlock goes in front of the statement (at Start, on
// line First, indented as it is), Lock after its end (at End, on line
// Last).
type Around struct {
	Stmt        ast.Stmt
	First, Last int
	Start, End  int
	Indent      string
	// Unlock and Lock are the calls inserted: mu.Unlock() and mu.Lock(),
	// or RUnlock and RLock for a read lock.
	Unlock, Lock string
}

// UnlockAround is the edit that releases mutex (the lock expression's
// text, read when it is a read lock), taken at lockLine, around the
// statement at line of the same function: the statement a frame of that
// function is at while its goroutine blocks, either the blocking
// operation itself or the call that leads to it. Only a simple statement
// qualifies (an expression, assignment, send, select or declaration):
// around an if, a loop or a return the lock would be released on one
// path and not another, or released twice. The statement must come after
// the Lock and must not itself take the same lock. ok is false when the
// rule does not apply.
func UnlockAround(p *File, line, lockLine int, mutex string, read bool) (a Around, ok bool) {
	fn := p.FuncAt(line)
	if fn == nil || fn != p.FuncAt(lockLine) {
		return a, false
	}
	st := p.StmtAt(fn, line)
	switch st.(type) {
	case *ast.ExprStmt, *ast.AssignStmt, *ast.SendStmt, *ast.SelectStmt, *ast.DeclStmt:
	default:
		return a, false
	}
	if p.Line(st.Pos()) <= lockLine || LockOf(st) == mutex {
		return a, false
	}
	indent, ok := p.IndentOf(st)
	if !ok {
		return a, false
	}
	a = Around{Stmt: st, First: p.Line(st.Pos()), Last: p.Line(st.End()),
		Start: p.Offset(st.Pos()), End: p.Offset(st.End()), Indent: indent,
		Unlock: mutex + ".Unlock()", Lock: mutex + ".Lock()"}
	if read {
		a.Unlock, a.Lock = mutex+".RUnlock()", mutex+".RLock()"
	}
	return a, true
}

// LockOf is X when st is the statement X.Lock() or X.RLock(), else "".
func LockOf(st ast.Stmt) string {
	x, method := MethodCall(st)
	if method == "Lock" || method == "RLock" {
		return x
	}
	return ""
}

// MethodCall splits the statement X.m() (or defer X.m()) into X's text
// and m; "" when st is not such a call without arguments.
func MethodCall(st ast.Stmt) (x, method string) {
	var call ast.Expr
	switch st := st.(type) {
	case *ast.ExprStmt:
		call = st.X
	case *ast.DeferStmt:
		call = st.Call
	default:
		return "", ""
	}
	c, ok := call.(*ast.CallExpr)
	if !ok || len(c.Args) != 0 {
		return "", ""
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", ""
	}
	return types.ExprString(sel.X), sel.Sel.Name
}

// Field is a mutex expression without its first name, which is a
// receiver or a variable that differs from function to function: ".mu"
// for both "s.mu" and "r.mu"; "" for a bare name (an embedded mutex, "c"
// or "f"), whose field the syntax does not show.
func Field(x string) string {
	if i := strings.IndexByte(x, '.'); i >= 0 {
		return x[i:]
	}
	return ""
}
