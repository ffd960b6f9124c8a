package explain

import (
	"fmt"
	"go/ast"
	"go/token"
)

// skippedRelease names the early exit that can keep a releasing statement
// from running: a return or panic of the function that holds the statement
// (or holds the go statement that would start the goroutine running it),
// between where that function starts (or, in the function that started the
// waiting goroutine, its go statement) and that statement. It returns ""
// when no such exit is found. Deferred statements run on every exit and
// are never skipped.
func (d *diagnoser) skippedRelease(w *wait, ops []*srcOp) string {
	x, ok := d.skippedExit(w, ops)
	if !ok {
		return ""
	}
	return x.text
}

// earlyExit is an exit skippedExit found: the releasing statement op it
// skips, the function fn both are in, the exit statement, and the sentence
// naming it.
type earlyExit struct {
	op   *srcOp
	fn   ast.Node
	exit ast.Node
	// started is set when the exit skips the go statement that would
	// start the goroutine running op, not op itself.
	started bool
	text    string
}

// skippedExit is skippedRelease's finding, with the nodes the suggested
// edits need.
func (d *diagnoser) skippedExit(w *wait, ops []*srcOp) (earlyExit, bool) {
	for _, o := range ops {
		if o.deferred || o.decl == nil || o.decl.Body == nil {
			continue
		}
		target, fn := o.line, o.fn
		started := false
		what := fmt.Sprintf("the %s at line %d", o.kind, o.line)
		if lit, ok := o.fn.(*ast.FuncLit); ok {
			// The literal's own early exit comes first: the goroutine it
			// runs as was started, and left before closing or sending.
			// (A Done a goroutine skips has its own explanation.)
			if o.kind == opClose || o.kind == opSend {
				if kind, exit := firstExit(o.file, lit.Body, o.file.lineOf(lit.Body.Pos()), o.line); exit != nil {
					return earlyExit{op: o, fn: lit, exit: exit,
						text: fmt.Sprintf("the %s at %s:%d can leave %s before %s runs", kind, d.rel(o.file.path),
							o.file.lineOf(exit.Pos()), funcName(o.decl, lit), what)}, true
				}
			}
			g := goStmtOf(o.decl, lit)
			if g == nil {
				continue
			}
			target = o.file.lineOf(g.Pos())
			fn = enclosingFunc(o.file, g)
			if fn == nil {
				continue
			}
			started = true
			what = fmt.Sprintf("the go statement at line %d, whose goroutine would %s it at line %d", target,
				opVerb(o.kind.String()), o.line)
		}
		body := funcBody(fn)
		if body == nil {
			continue
		}
		from := o.file.lineOf(body.Pos())
		if c := w.g.CreatedBy; c != nil && c.File == o.file.path {
			if s := o.file.locate(c.Line); s != nil && (s.fn == fn || s.decl == fn) && c.Line < target {
				from = c.Line
			}
		}
		if kind, exit := firstExit(o.file, body, from, target); exit != nil {
			return earlyExit{op: o, fn: fn, exit: exit, started: started,
				text: fmt.Sprintf("the %s at %s:%d can leave %s before %s runs", kind, d.rel(o.file.path),
					o.file.lineOf(exit.Pos()), funcName(o.decl, fn), what)}, true
		}
	}
	return earlyExit{}, false
}

// enclosingFunc returns the innermost function around n (not a literal
// that n starts itself).
func enclosingFunc(f *srcFile, n ast.Node) ast.Node {
	s := f.locate(f.lineOf(n.Pos()))
	if s == nil {
		return nil
	}
	for i := len(s.path) - 1; i >= 0; i-- {
		switch fn := s.path[i].(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			if fn.Pos() < n.Pos() {
				return fn
			}
		}
	}
	return nil
}

// goStmtOf returns the go statement of decl that starts lit, nil when lit
// is not started by one.
func goStmtOf(decl *ast.FuncDecl, lit *ast.FuncLit) *ast.GoStmt {
	var found *ast.GoStmt
	ast.Inspect(decl, func(n ast.Node) bool {
		if g, ok := n.(*ast.GoStmt); ok && ast.Unparen(g.Call.Fun) == ast.Expr(lit) {
			found = g
		}
		return found == nil
	})
	return found
}

// firstExit returns the first return or panic in body (not in a nested
// function literal) on a line strictly between from and to: its kind and
// its statement (the call, for a panic); nil when there is none.
func firstExit(f *srcFile, body *ast.BlockStmt, from, to int) (string, ast.Node) {
	kind := ""
	var exit ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if exit != nil || n == nil {
			return false
		}
		if _, lit := n.(*ast.FuncLit); lit {
			return false
		}
		k := ""
		switch n := n.(type) {
		case *ast.ReturnStmt:
			k = "return"
		case *ast.CallExpr:
			if isIdentCall(n, "panic") {
				k = "panic"
			}
		case *ast.BranchStmt:
			if n.Tok == token.GOTO {
				k = "goto"
			}
		}
		if l := f.lineOf(n.Pos()); k != "" && l > from && l < to {
			kind, exit = k, n
		}
		return true
	})
	return kind, exit
}

// opVerb says what a releasing statement does, as a verb.
func opVerb(k string) string {
	switch k {
	case "send":
		return "send on"
	case "receive", "range":
		return "receive from"
	case "close":
		return "close"
	case "done":
		return "call Done on"
	case "unlock", "runlock":
		return "unlock"
	}
	return k
}
