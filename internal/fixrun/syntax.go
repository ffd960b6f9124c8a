package fixrun

import (
	"go/ast"
	"go/token"

	"github.com/leakhound/leakhound/internal/fixrule"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// The lock candidates (speculate_unlock.go, speculate_locked.go) work on
// the frames of a leaked goroutine's stack: the statement a frame is at,
// the function around it. These helpers find them in a parsed file.

// parsedFile is one of the module's files, parsed for a candidate. The
// statement and function lookups are fixrule's, which the report's
// worded lock fix uses too, so both find the same statement.
type parsedFile struct {
	name string
	fset *token.FileSet
	f    *ast.File
	src  []byte
	lf   *fixrule.File
}

// parseFile reads and parses file; nil when it cannot.
func parseFile(file string) *parsedFile {
	fset, f, src, ok := parseSource(file)
	if !ok {
		return nil
	}
	return &parsedFile{name: file, fset: fset, f: f, src: src, lf: &fixrule.File{Fset: fset, AST: f, Src: src}}
}

// line is the 1-based line of pos.
func (p *parsedFile) line(pos token.Pos) int { return p.lf.Line(pos) }

// offset is the byte offset of pos.
func (p *parsedFile) offset(pos token.Pos) int { return p.lf.Offset(pos) }

// text is the source of n.
func (p *parsedFile) text(n ast.Node) string { return p.lf.Text(n) }

// funcAt is the innermost function (an *ast.FuncDecl or *ast.FuncLit)
// whose body holds line; nil when none does.
func (p *parsedFile) funcAt(line int) ast.Node { return p.lf.FuncAt(line) }

// funcBody is the body of a function node funcAt returns.
func funcBody(fn ast.Node) *ast.BlockStmt { return fixrule.FuncBody(fn) }

// stmtAt is the innermost statement of fn's own body that spans line
// (fixrule.File.StmtAt).
func (p *parsedFile) stmtAt(fn ast.Node, line int) ast.Stmt { return p.lf.StmtAt(fn, line) }

// indentOf is the indentation of the line st starts on; ok is false when
// st does not start its line (another statement precedes it there).
func (p *parsedFile) indentOf(st ast.Node) (indent string, ok bool) { return p.lf.IndentOf(st) }

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
