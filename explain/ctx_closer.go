package explain

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// A goroutine that waits on a context's Done is not waiting on a context
// "never cancelled" when the package does cancel it: a type keeps the
// cancel function in a field, and a method of it (Shutdown, Stop, Close)
// calls it. Then the goroutine waits for that method, as a goroutine
// waiting on a stop channel waits for the method that closes it, and the
// fix is to call it: the owner-never-closed finding, with the method as
// its Closer.

// ctxOwnerClosed returns that finding for g, waiting (at) on a context's
// Done case or receive, when every call that would cancel the context
// calls a cancel function kept in one field of one type of the package,
// set only where its owner is made; false otherwise, and f stands.
func (d *diagnoser) ctxOwnerClosed(w *wait, at string, f finding) (finding, bool) {
	dones := doneWaits(w.site)
	var refs []report.SourceRef
	for _, ch := range dones {
		refs = append(refs, d.cancelPartners(w.site.file, ch)...)
	}
	if len(refs) == 0 {
		return f, false
	}
	typ, field := "", ""
	var files []*srcFile
	for _, r := range refs {
		pf := d.src.file(r.File)
		if pf == nil {
			return f, false
		}
		ps := pf.locate(r.Line)
		if ps == nil || ps.decl == nil {
			return f, false
		}
		recv, rt, _ := receiver(ps.decl)
		call := ps.onLine(func(n ast.Node) bool { x, _, ok := methodCall(n); return ok && recv != "" && x == recv })
		if call == nil {
			return f, false
		}
		_, name, _ := methodCall(call)
		if typ != "" && (rt != typ || name != field) {
			return f, false
		}
		typ, field, files = rt, name, d.pkgFiles(pf)
	}
	if fieldReassigned(files, field) {
		// A field given a new cancel after its owner was made may have
		// dropped this context's: the cancel-overwritten rule's case,
		// where the method calls another context's cancel.
		return f, false
	}
	oc := d.closerOfField(files, typ, field)
	if oc == nil {
		return f, false
	}
	c := closerDecl(files, typ, oc.method)
	if c == nil {
		return f, false
	}
	ctx := strings.TrimSuffix(types.ExprString(dones[0]), ".Done()")
	f.pattern = report.PatternNeverClosed
	f.summary = fmt.Sprintf("%s: nothing called %s (%s:%d), which cancels %s through %s at %s:%d — %s", at,
		c.At.Func, d.rel(c.At.File), c.At.Line, ctx, refs[0].Text, d.rel(refs[0].File), refs[0].Line, d.closerFix(c))
	f.evidence = append(f.evidence, fmt.Sprintf("source: %s is cancelled only by calls of the cancel function kept in "+
		"%s.%s, which %s makes", ctx, typ, field, c.At.Func))
	f.fix = d.closerFix(c)
	f.closer = c
	return f, true
}

// closerDecl returns the Closer for the method name of type typ declared
// in files, nil when there is none.
func closerDecl(files []*srcFile, typ, name string) *report.Closer {
	for _, pf := range files {
		for _, decl := range pf.ast.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Name.Name != name {
				continue
			}
			if _, rt, _ := receiver(fd); rt == typ {
				return closerAt(pf, fd)
			}
		}
	}
	return nil
}

// closerAt is the Closer for the method decl of f.
func closerAt(f *srcFile, decl *ast.FuncDecl) *report.Closer {
	recv, typ, ptr := receiver(decl)
	line := f.lineOf(decl.Pos())
	c := &report.Closer{Type: typ, Pointer: ptr, Method: decl.Name.Name, Recv: recv,
		At: report.SourceRef{File: f.path, Line: line, Func: funcName(decl, decl), Text: f.line(line)}}
	if ps := decl.Type.Params.List; len(ps) > 0 && types.ExprString(ps[0].Type) == "context.Context" {
		c.TakesContext = true
	}
	return c
}

// fieldReassigned reports whether some statement of files assigns a field
// named field (x.field = …), rather than only a composite literal making
// its owner with it.
func fieldReassigned(files []*srcFile, field string) bool {
	found := false
	for _, pf := range files {
		ast.Inspect(pf.ast, func(n ast.Node) bool {
			if as, ok := n.(*ast.AssignStmt); ok {
				for _, l := range as.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == field {
						found = true
					}
				}
			}
			return !found
		})
	}
	return found
}

// doneWaits returns the x.Done() channels the statement at s waits on: the
// Done cases of a select, or the channel of a bare <-x.Done().
func doneWaits(s *site) []ast.Expr {
	sel := selectOnLine(s)
	if sel == nil {
		if ch := doneRecvAt(s); ch != nil {
			return []ast.Expr{ch}
		}
		return nil
	}
	var out []ast.Expr
	for _, st := range sel.Body.List {
		if cc, ok := st.(*ast.CommClause); ok && cc.Comm != nil {
			if ch, _ := commChan(cc); ch != nil {
				if _, done := isDoneRecv(&ast.UnaryExpr{Op: token.ARROW, X: ch}); done {
					out = append(out, ch)
				}
			}
		}
	}
	return out
}
