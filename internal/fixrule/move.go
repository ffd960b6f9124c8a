package fixrule

import "go/ast"

// MoveAfter finds the statement the blocking statement at line should
// move behind: a send, receive or Wait whose partners (partnerLines, in
// the same file) all run in function literals (a goroutine, a callback)
// that a later statement of the same block starts, or that a loop around
// the blocking statement starts on a later pass. Waiting before the
// partner exists is the bug; moving the operation after what starts it is
// the fix. st is the blocking statement, a simple one on a line of its
// own; ok is false when the shape does not fit.
func MoveAfter(p *File, line int, partnerLines []int) (st, after ast.Stmt, ok bool) {
	if len(partnerLines) == 0 {
		return nil, nil, false
	}
	fn := p.FuncAt(line)
	st = p.StmtAt(fn, line)
	switch st.(type) {
	case *ast.ExprStmt, *ast.SendStmt, *ast.AssignStmt:
	default:
		return nil, nil, false
	}
	if _, ok := p.IndentOf(st); !ok || p.Line(st.Pos()) != p.Line(st.End()) {
		return nil, nil, false
	}
	ast.Inspect(FuncBody(fn), func(n ast.Node) bool {
		if after != nil || n == nil {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		list, ok := StmtList(n)
		if !ok {
			return true
		}
		for i, x := range list {
			switch {
			case x == st:
				for _, later := range list[i+1:] {
					if _, ok := later.(*ast.DeferStmt); ok {
						continue // runs only at the return, after the wait
					}
					if startsAll(p, later, partnerLines) {
						after = later
						return false
					}
				}
			case x.Pos() < st.Pos() && st.End() <= x.End() && isLoop(x) && startsAll(p, x, partnerLines):
				after = x
				return false
			}
		}
		return true
	})
	if after == nil {
		return nil, nil, false
	}
	if _, ok := p.IndentOf(after); !ok {
		return nil, nil, false
	}
	return st, after, true
}

// startsAll reports whether every partner line lies in a function literal
// inside st.
func startsAll(p *File, st ast.Stmt, lines []int) bool {
	for _, l := range lines {
		in := false
		ast.Inspect(st, func(n ast.Node) bool {
			lit, ok := n.(*ast.FuncLit)
			if ok && p.Line(lit.Pos()) <= l && l <= p.Line(lit.End()) {
				in = true
			}
			return !in
		})
		if !in {
			return false
		}
	}
	return true
}

// isLoop reports whether st is a for or range loop.
func isLoop(st ast.Stmt) bool {
	switch st.(type) {
	case *ast.ForStmt, *ast.RangeStmt:
		return true
	}
	return false
}
