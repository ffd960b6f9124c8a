package explain

import (
	"fmt"
	"go/ast"
	"go/types"
	"strings"
)

// uncancelledCallers returns, for a context parameter ctx of the function
// declaration around s, the places of every static call of that function
// in the type-checked package when each passes a context nothing cancels
// (context.Background, TODO or WithoutCancel, directly or through a local
// set only from one); nil when some caller may pass a cancellable one, no
// caller is found, or the package has no types.
func (d *diagnoser) uncancelledCallers(s *site, ctx string) []string {
	if s == nil || s.decl == nil || s.file.typed == nil || ctx == "" {
		return nil
	}
	p := s.file.typed
	fn := typedFunc(s.file, s.decl)
	if fn == nil {
		return nil
	}
	index := -1
	sig := fn.Type().(*types.Signature)
	for i := range sig.Params().Len() {
		if sig.Params().At(i).Name() == ctx {
			index = i
		}
	}
	if index < 0 {
		return nil
	}
	var places []string
	cancellable := false
	for _, f := range p.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || cancellable {
				return !cancellable
			}
			var id *ast.Ident
			switch fun := ast.Unparen(c.Fun).(type) {
			case *ast.Ident:
				id = fun
			case *ast.SelectorExpr:
				id = fun.Sel
			}
			if id == nil || p.Info.Uses[id] != fn {
				return true
			}
			if index >= len(c.Args) || !neverCancelled(p.Info, f, c.Args[index]) {
				cancellable = true
				return false
			}
			pos := p.Fset.Position(c.Pos())
			places = append(places, fmt.Sprintf("%s:%d", d.rel(pos.Filename), pos.Line))
			return true
		})
	}
	if cancellable {
		return nil
	}
	return places
}

// neverCancelled reports whether e is a context nothing cancels: a call
// of context.Background, TODO or WithoutCancel, or a local variable whose
// every assignment in file is one.
func neverCancelled(info *types.Info, file *ast.File, e ast.Expr) bool {
	e = ast.Unparen(e)
	if c, ok := e.(*ast.CallExpr); ok {
		if sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok {
			if f, ok := info.Uses[sel.Sel].(*types.Func); ok && f.Pkg() != nil && f.Pkg().Path() == "context" {
				switch f.Name() {
				case "Background", "TODO", "WithoutCancel":
					return true
				}
			}
		}
		return false
	}
	id, ok := e.(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := info.Uses[id].(*types.Var)
	if !ok || v.Parent() == nil || v.Pkg() == nil || v.Parent() == v.Pkg().Scope() {
		return false
	}
	assigned, all := 0, true
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if lid, ok := l.(*ast.Ident); ok && info.ObjectOf(lid) == v {
					assigned++
					all = all && len(n.Lhs) == len(n.Rhs) && neverCancelled(info, file, n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if info.Defs[name] == v {
					assigned++
					all = all && i < len(n.Values) && neverCancelled(info, file, n.Values[i])
				}
			}
		}
		return true
	})
	return assigned > 0 && all
}

// uncancelledAdvice is the advice instead of a select on ctx.Done() when
// no caller can cancel ctx.
func uncancelledAdvice(ctx string, callers []string) string {
	return fmt.Sprintf("a select on <-%s.Done() would not end it: every caller passes a context nothing cancels (%s); "+
		"the caller at %s would need to pass one its owner cancels", ctx, strings.Join(callers, ", "), callers[0])
}

// typedFunc returns the type-checked function of decl, a declaration of
// f as the source cache parsed it: the typed package's declaration at the
// same offset of the same file.
func typedFunc(f *srcFile, decl *ast.FuncDecl) *types.Func {
	if f.typed == nil || decl == nil {
		return nil
	}
	off := f.tok.Offset(decl.Pos())
	p := f.typed
	for _, af := range p.Files {
		tf := p.Fset.File(af.Pos())
		if tf == nil || tf.Name() != f.path {
			continue
		}
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && tf.Offset(fd.Pos()) == off {
				fn, _ := p.Info.Defs[fd.Name].(*types.Func)
				return fn
			}
		}
	}
	return nil
}
