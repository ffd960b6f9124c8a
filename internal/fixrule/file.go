// Package fixrule is the one home of the fix rules that the report words
// as a group's fix and leakhound fix builds as candidate edits and runs:
// release a held lock around the statement through which a goroutine
// blocks (UnlockAround), move a blocking statement past the one that
// starts its partner (MoveAfter). They work on syntax alone, so the
// report and fix name the same statements and the same edit.
package fixrule

import (
	"go/ast"
	"go/token"
	"strings"
)

// File is one parsed source file.
type File struct {
	Fset *token.FileSet
	AST  *ast.File
	Src  []byte
}

// Line is the 1-based line of pos.
func (p *File) Line(pos token.Pos) int { return p.Fset.Position(pos).Line }

// Offset is the byte offset of pos.
func (p *File) Offset(pos token.Pos) int { return p.Fset.Position(pos).Offset }

// Text is the source of n.
func (p *File) Text(n ast.Node) string {
	return string(p.Src[p.Offset(n.Pos()):p.Offset(n.End())])
}

// FuncAt is the innermost function (an *ast.FuncDecl or *ast.FuncLit)
// whose body holds line; nil when none does.
func (p *File) FuncAt(line int) ast.Node {
	var found ast.Node
	ast.Inspect(p.AST, func(n ast.Node) bool {
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.FuncDecl:
			body = n.Body
		case *ast.FuncLit:
			body = n.Body
		default:
			return n != nil
		}
		if body == nil || p.Line(body.Lbrace) > line || p.Line(body.Rbrace) < line {
			return false
		}
		found = n
		return true
	})
	return found
}

// FuncBody is the body of a function node FuncAt returns.
func FuncBody(fn ast.Node) *ast.BlockStmt {
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		return fn.Body
	case *ast.FuncLit:
		return fn.Body
	}
	return nil
}

// StmtAt is the innermost statement of fn's own body (not of a function
// literal inside it) that is an element of a statement list and spans
// line: the statement a frame of fn at that line is executing. nil when
// none does.
func (p *File) StmtAt(fn ast.Node, line int) ast.Stmt {
	var found ast.Stmt
	var visit func(list []ast.Stmt)
	visit = func(list []ast.Stmt) {
		for _, st := range list {
			if p.Line(st.Pos()) > line || p.Line(st.End()) < line {
				continue
			}
			found = st
			ast.Inspect(st, func(n ast.Node) bool {
				if _, ok := n.(*ast.FuncLit); ok {
					return false
				}
				if list, ok := StmtList(n); ok {
					visit(list)
					return false
				}
				return true
			})
			return
		}
	}
	if body := FuncBody(fn); body != nil {
		visit(body.List)
	}
	return found
}

// IndentOf is the indentation of the line st starts on; ok is false when
// st does not start its line (another statement precedes it there).
func (p *File) IndentOf(st ast.Node) (indent string, ok bool) {
	start := p.Offset(st.Pos())
	lineStart := strings.LastIndexByte(string(p.Src[:start]), '\n') + 1
	indent = string(p.Src[lineStart:start])
	return indent, strings.TrimSpace(indent) == ""
}

// StmtList is the statement list n holds directly: a block's statements or
// a switch or select clause's body; ok is false for any other node.
func StmtList(n ast.Node) (list []ast.Stmt, ok bool) {
	switch n := n.(type) {
	case *ast.BlockStmt:
		return n.List, true
	case *ast.CaseClause:
		return n.Body, true
	case *ast.CommClause:
		return n.Body, true
	}
	return nil, false
}
