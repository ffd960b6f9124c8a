package fixrun

import (
	"fmt"
	"go/ast"
	"path/filepath"

	"github.com/leakhound/leakhound/report"
)

// moveCandidates move the blocking statement past the statement that
// starts its partner: a send, receive or Wait whose only partner runs in
// a function literal (a goroutine, a callback) that a later statement of
// the same block starts, or that the loop around the blocking statement
// starts on a later pass. Waiting before the partner exists is the bug;
// moving the operation after it is the third strategy of published fixes
// of blocking Go bugs (a Wait inside the loop that starts what it waits
// for; a send before the worker that receives it is started).
func (s *session) moveCandidates(g *report.Group) []*candidate {
	f := g.Diagnosis.Facts
	if (f.Op != "send" && f.Op != "receive" && f.Op != "wait") || len(f.Partners) == 0 || !s.inModule(g.Block.File) {
		return nil
	}
	p := parseFile(g.Block.File)
	if p == nil {
		return nil
	}
	fn := p.funcAt(g.Block.Line)
	st := p.stmtAt(fn, g.Block.Line)
	switch st.(type) {
	case *ast.ExprStmt, *ast.SendStmt, *ast.AssignStmt:
	default:
		return nil
	}
	if _, ok := p.indentOf(st); !ok || p.line(st.Pos()) != p.line(st.End()) {
		return nil
	}
	for _, pt := range f.Partners {
		if pt.File != g.Block.File {
			return nil // a partner elsewhere: not the shape
		}
	}
	// after is the statement the blocking one moves behind: a later
	// sibling, or a loop around it, that holds every partner in a
	// function literal.
	var after ast.Stmt
	ast.Inspect(funcBody(fn), func(n ast.Node) bool {
		if after != nil || n == nil {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		var list []ast.Stmt
		switch n := n.(type) {
		case *ast.BlockStmt:
			list = n.List
		case *ast.CaseClause:
			list = n.Body
		case *ast.CommClause:
			list = n.Body
		default:
			return true
		}
		for i, x := range list {
			switch {
			case x == st:
				for _, later := range list[i+1:] {
					if _, ok := later.(*ast.DeferStmt); ok {
						continue // runs only at the return, after the wait
					}
					if startsAll(p, later, f.Partners) {
						after = later
						return false
					}
				}
			case x.Pos() < st.Pos() && st.End() <= x.End() && isLoop(x) && startsAll(p, x, f.Partners):
				after = x
				return false
			}
		}
		return true
	})
	if after == nil {
		return nil
	}
	indent, ok := p.indentOf(after)
	if !ok {
		return nil
	}
	del := p.deleteStmt(st)
	at, line := p.offset(after.End()), p.line(after.End())
	text := p.text(st)
	return []*candidate{{
		summary: fmt.Sprintf("move %s (%s:%d) after %s, which starts what it waits for", text, filepath.Base(p.name), p.line(st.Pos()), firstLine(p.text(after))),
		from:    speculativeFrom,
		edits: []report.Edit{del,
			{File: p.name, Start: at, End: at, Line: line, EndLine: line, New: "\n" + indent + text}},
		lines: []string{"- " + text, "+ " + text + " (after line " + fmt.Sprint(line) + ")"},
	}}
}

// startsAll reports whether every partner line lies in a function literal
// inside st.
func startsAll(p *parsedFile, st ast.Stmt, partners []report.SourceRef) bool {
	for _, pt := range partners {
		in := false
		ast.Inspect(st, func(n ast.Node) bool {
			lit, ok := n.(*ast.FuncLit)
			if ok && p.line(lit.Pos()) <= pt.Line && pt.Line <= p.line(lit.End()) {
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
