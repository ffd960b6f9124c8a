package explain

import (
	"fmt"
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// cancelOverwritten calls the cancel function a field holds before the
// field is given a new one: a function derives a context with a cancel,
// keeps the cancel in x.f, and passes the context to the function that
// starts the waiting goroutine; called again, it overwrites x.f, and the
// earlier goroutine's context can no longer be cancelled by anyone. The
// group must wait on that context's Done (as a parameter of the function
// holding the go statement), the function must not call x.f before it
// derives the new context, and some other function must call x.f() (so
// the last context is cancelled too).
func (e *editor) cancelOverwritten() (*report.Suggestion, string) {
	cs := e.creatorSite()
	done := e.doneWaited()
	if cs == nil || cs.decl == nil || done == "" {
		return nil, ""
	}
	cf := cs.file
	info := e.d.packageTypes(cf)
	if info == nil {
		return nil, ""
	}
	index := paramIndex(cs.decl, done)
	starter := info.Defs[cs.decl.Name]
	if index < 0 || starter == nil {
		return nil, ""
	}
	for _, pf := range e.d.pkgFiles(cf) {
		for _, decl := range pf.ast.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if sug := e.overwrittenIn(pf, info, fd, starter, index); sug != nil {
				return sug, ""
			}
		}
	}
	return nil, ""
}

// overwrittenIn finds the shape in fd: ctx, cancel := context.With…(…) as
// a statement of its body, x.f = cancel after it, and a call of starter
// passing ctx as its argument number index.
func (e *editor) overwrittenIn(f *srcFile, info *types.Info, fd *ast.FuncDecl, starter types.Object, index int) *report.Suggestion {
	for i, st := range fd.Body.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 || !f.alone(as) {
			continue
		}
		call, ok := as.Rhs[0].(*ast.CallExpr)
		ctxID, ok1 := as.Lhs[0].(*ast.Ident)
		cancelID, ok2 := as.Lhs[1].(*ast.Ident)
		if !ok || !ok1 || !ok2 || !cancellable(call) {
			continue
		}
		var field *ast.SelectorExpr
		passed := false
		for _, later := range fd.Body.List[i+1:] {
			ast.Inspect(later, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.AssignStmt:
					if len(n.Lhs) == 1 && len(n.Rhs) == 1 {
						if sel, ok := n.Lhs[0].(*ast.SelectorExpr); ok {
							if id, ok := n.Rhs[0].(*ast.Ident); ok && id.Name == cancelID.Name {
								if _, ok := sel.X.(*ast.Ident); ok {
									field = sel
								}
							}
						}
					}
				case *ast.CallExpr:
					if calleeObj(info, n) == starter && index < len(n.Args) {
						if id, ok := n.Args[index].(*ast.Ident); ok && id.Name == ctxID.Name {
							passed = true
						}
					}
				}
				return true
			})
		}
		if field == nil || !passed {
			continue
		}
		text := types.ExprString(field)
		for _, before := range fd.Body.List[:i] {
			if mentionsCall(before, lastName(types.ExprString(field.X)), field.Sel.Name) {
				return nil
			}
		}
		if !e.calledElsewhere(f, info, fd, field) {
			return nil
		}
		e.dropFieldCancels(info, info.Uses[field.Sel])
		indent := f.indentAt(f.posOffset(as.Pos()))
		e.fix = fmt.Sprintf("call the previous %s() before %s derives a new context (line %d) and overwrites it: "+
			"the goroutine started with the last one waits on a context nothing can cancel any more", text,
			fd.Name.Name, f.lineOf(as.Pos()))
		return &report.Suggestion{
			Summary: fmt.Sprintf("cancel the previous context (%s) before %s replaces it", text, fd.Name.Name),
			Edits: []report.Edit{f.insertBefore(as, strings.Join([]string{"if " + text + " != nil {", indent + "\t" + text + "()",
				indent + "}"}, "\n"))},
		}
	}
	return nil
}

// calledElsewhere reports whether a function of the package other than fd
// calls the field's function value (x.f(), on any owner of the same
// field name).
func (e *editor) calledElsewhere(f *srcFile, info *types.Info, fd *ast.FuncDecl, field *ast.SelectorExpr) bool {
	want := info.Uses[field.Sel]
	if want == nil {
		return false
	}
	for _, pf := range e.d.pkgFiles(f) {
		found := false
		ast.Inspect(pf.ast, func(n ast.Node) bool {
			if found || n == ast.Node(fd) {
				return false
			}
			c, ok := n.(*ast.CallExpr)
			if ok {
				if sel, ok := c.Fun.(*ast.SelectorExpr); ok && info.Uses[sel.Sel] == want {
					found = true
				}
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// dropFieldCancels removes from the group's facts the partners that cancel
// through the field (a call of the function value it holds): the field
// holds the newest cancel only, so those calls cancel the last context,
// never the one this goroutine waits on, which was overwritten.
func (e *editor) dropFieldCancels(info *types.Info, field types.Object) {
	if field == nil {
		return
	}
	viaField := func(p report.SourceRef) bool {
		if p.Kind != "cancel" {
			return false
		}
		pf := e.d.src.file(p.File)
		if pf == nil {
			return false
		}
		found := false
		ast.Inspect(pf.ast, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok && pf.lineOf(c.Pos()) == p.Line {
				if sel, ok := c.Fun.(*ast.SelectorExpr); ok && info.Uses[sel.Sel] == field {
					found = true
				}
			}
			return !found
		})
		return found
	}
	// Copies: facts may share their slices with another group's.
	f := &e.g.Diagnosis.Facts
	f.Partners = slices.DeleteFunc(slices.Clone(f.Partners), viaField)
	if f.Select != nil {
		sel := *f.Select
		sel.Cases = slices.Clone(sel.Cases)
		for i := range sel.Cases {
			sel.Cases[i].Partners = slices.DeleteFunc(slices.Clone(sel.Cases[i].Partners), viaField)
		}
		f.Select = &sel
	}
}
