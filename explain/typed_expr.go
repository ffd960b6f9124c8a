package explain

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/leakhound/leakhound/internal/values"
)

// The explanation reads its own parse of each file; the type check
// (values.Load) parsed the files again. These find, by byte offsets, what
// the type check knows of an expression of the explanation's parse.

// typedExpr returns the expression of p's parse of file spanning the byte
// offsets [off, end), nil when there is none.
func typedExpr(p *values.Package, file string, off, end int) ast.Expr {
	var found ast.Expr
	for _, af := range p.Files {
		tf := p.Fset.File(af.Pos())
		if tf == nil || tf.Name() != file {
			continue
		}
		ast.Inspect(af, func(n ast.Node) bool {
			if found != nil || n == nil || tf.Offset(n.Pos()) > off || tf.Offset(n.End()) < end {
				return false
			}
			if e, ok := n.(ast.Expr); ok && tf.Offset(e.Pos()) == off && tf.Offset(e.End()) == end {
				found = e
			}
			return found == nil
		})
	}
	return found
}

// capturedMethod returns the name of the method a selector x.m of f
// calls and its receiver's named type, when x is a variable the function
// literal fn captures from the function around it (one value for the whole
// of the goroutine running fn, as the owner a constructor's goroutine
// serves) and the type check of f's package resolves x.m to a method of a
// type of that package; "" otherwise. A variable of fn's own (a loop's,
// say) may hold another value at each call, so it is not followed.
func (f *srcFile) capturedMethod(fn ast.Node, sel *ast.SelectorExpr) (name, recvType string) {
	p := f.typed
	if _, lit := fn.(*ast.FuncLit); p == nil || !lit {
		return "", ""
	}
	tx, ok := typedExpr(p, f.path, f.tok.Offset(sel.Pos()), f.tok.Offset(sel.End())).(*ast.SelectorExpr)
	if !ok {
		return "", ""
	}
	x, ok := tx.X.(*ast.Ident)
	if !ok {
		return "", ""
	}
	v, ok := p.Info.Uses[x].(*types.Var)
	if !ok || v.Pos() == token.NoPos {
		return "", ""
	}
	if off := p.Fset.Position(v.Pos()).Offset; off >= f.tok.Offset(fn.Pos()) && off < f.tok.Offset(fn.End()) {
		return "", "" // declared inside the literal
	}
	s := p.Info.Selections[tx]
	if s == nil || s.Kind() != types.MethodVal {
		return "", ""
	}
	m, ok := s.Obj().(*types.Func)
	if !ok || m.Pkg() != p.Types {
		return "", ""
	}
	t := m.Signature().Recv().Type()
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, ok := t.(*types.Named)
	if !ok {
		return "", ""
	}
	return m.Name(), named.Obj().Name()
}
