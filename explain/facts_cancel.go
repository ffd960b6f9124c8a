package explain

import (
	"go/ast"
	"go/token"

	"github.com/leakhound/leakhound/report"
)

// cancelPartners returns the calls that would cancel the context whose
// Done channel ch is (ch is x.Done()): each call of the cancel function of
// the context.With… that made x's context or one it derives from, found
// through the alias union. Nil when f has no types: by names alone a
// cancel function cannot be tied to its context.
func (d *diagnoser) cancelPartners(f *srcFile, ch ast.Expr) []report.SourceRef {
	call, ok := ast.Unparen(ch).(*ast.CallExpr)
	if !ok || f == nil || f.union == nil || d.src == nil {
		return nil
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Done" || len(call.Args) != 0 {
		return nil
	}
	var out []report.SourceRef
	for _, c := range f.union.CancelCalls(f.valueOf(sel.X)) {
		cf := d.src.file(c.File)
		if cf == nil {
			continue
		}
		ref := report.SourceRef{File: cf.path, Line: c.Line, Text: cf.line(c.Line), Kind: "cancel"}
		if s := cf.locate(c.Line); s != nil {
			ref.Func = funcName(s.decl, s.fn)
		}
		out = append(out, ref)
	}
	return d.preciseCancels(f, sel.X, out)
}

// doneRecvAt returns the channel expression x.Done() of the receive
// <-x.Done() on the site's line, nil when there is none.
func doneRecvAt(s *site) ast.Expr {
	n := s.onLine(func(n ast.Node) bool {
		u, ok := n.(*ast.UnaryExpr)
		if !ok || u.Op != token.ARROW {
			return false
		}
		_, done := isDoneRecv(u)
		return done
	})
	if n == nil {
		return nil
	}
	return n.(*ast.UnaryExpr).X
}
