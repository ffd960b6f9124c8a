package fixrun

import (
	"go/ast"
	"go/token"
	"strings"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// The lock candidates (speculate_unlock.go, speculate_locked.go) work on
// the frames of a leaked goroutine's stack: the statement a frame is at,
// the function around it. These helpers find them in a parsed file.

// parsedFile is one of the module's files, parsed for a candidate.
type parsedFile struct {
	name string
	fset *token.FileSet
	f    *ast.File
	src  []byte
}

// parseFile reads and parses file; nil when it cannot.
func parseFile(file string) *parsedFile {
	fset, f, src, ok := parseSource(file)
	if !ok {
		return nil
	}
	return &parsedFile{name: file, fset: fset, f: f, src: src}
}

// line is the 1-based line of pos.
func (p *parsedFile) line(pos token.Pos) int { return p.fset.Position(pos).Line }

// offset is the byte offset of pos.
func (p *parsedFile) offset(pos token.Pos) int { return p.fset.Position(pos).Offset }

// text is the source of n.
func (p *parsedFile) text(n ast.Node) string {
	return string(p.src[p.offset(n.Pos()):p.offset(n.End())])
}

// funcAt is the innermost function (an *ast.FuncDecl or *ast.FuncLit)
// whose body holds line; nil when none does.
func (p *parsedFile) funcAt(line int) ast.Node {
	var found ast.Node
	ast.Inspect(p.f, func(n ast.Node) bool {
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.FuncDecl:
			body = n.Body
		case *ast.FuncLit:
			body = n.Body
		default:
			return n != nil
		}
		if body == nil || p.line(body.Lbrace) > line || p.line(body.Rbrace) < line {
			return false
		}
		found = n
		return true
	})
	return found
}

// funcBody is the body of a function node funcAt returns.
func funcBody(fn ast.Node) *ast.BlockStmt {
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		return fn.Body
	case *ast.FuncLit:
		return fn.Body
	}
	return nil
}

// stmtAt is the innermost statement of fn's own body (not of a function
// literal inside it) that is an element of a statement list and spans
// line: the statement a frame of fn at that line is executing. nil when
// none does.
func (p *parsedFile) stmtAt(fn ast.Node, line int) ast.Stmt {
	var found ast.Stmt
	var visit func(list []ast.Stmt)
	visit = func(list []ast.Stmt) {
		for _, st := range list {
			if p.line(st.Pos()) > line || p.line(st.End()) < line {
				continue
			}
			found = st
			ast.Inspect(st, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncLit:
					return false
				case *ast.BlockStmt:
					visit(n.List)
					return false
				case *ast.CaseClause:
					visit(n.Body)
					return false
				case *ast.CommClause:
					visit(n.Body)
					return false
				}
				return true
			})
			return
		}
	}
	if body := funcBody(fn); body != nil {
		visit(body.List)
	}
	return found
}

// indentOf is the indentation of the line st starts on; ok is false when
// st does not start its line (another statement precedes it there).
func (p *parsedFile) indentOf(st ast.Node) (indent string, ok bool) {
	start := p.offset(st.Pos())
	lineStart := strings.LastIndexByte(string(p.src[:start]), '\n') + 1
	indent = string(p.src[lineStart:start])
	return indent, strings.TrimSpace(indent) == ""
}

// frameIndex is the index in frames of the frame at file:line; -1 when
// none is.
func frameIndex(frames []profile.Frame, at profile.Frame) int {
	for i, fr := range frames {
		if fr.File == at.File && fr.Line == at.Line && fr.Func == at.Func {
			return i
		}
	}
	return -1
}

// holderFrame is the index in frames, from the blocking frame outward, of
// the frame whose function took lock h: the frame in h's file whose
// innermost function also holds h's Lock line. -1 when no frame does.
func holderFrame(frames []profile.Frame, from int, h report.LockFact, p *parsedFile) int {
	if p == nil || from < 0 {
		return -1
	}
	lockFn := p.funcAt(h.Lock.Line)
	if lockFn == nil {
		return -1
	}
	for i := from; i < len(frames); i++ {
		if frames[i].File == h.Lock.File && p.funcAt(frames[i].Line) == lockFn {
			return i
		}
	}
	return -1
}

// callAt finds, in st, the call whose callee is named name (f(…),
// x.f(…)) and returns the identifier naming it; nil when st has none.
func callAt(st ast.Node, name string) *ast.Ident {
	var id *ast.Ident
	ast.Inspect(st, func(n ast.Node) bool {
		if id != nil {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		switch fun := call.Fun.(type) {
		case *ast.Ident:
			if fun.Name == name {
				id = fun
			}
		case *ast.SelectorExpr:
			if fun.Sel.Name == name {
				id = fun.Sel
			}
		}
		return true
	})
	return id
}
