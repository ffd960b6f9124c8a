package explain

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// passCallersContext replaces the context.Background() (or TODO()) a
// caller passes down to the goroutine's wait with the caller's own
// context: the group waits on ctx.Done() for a context that reaches it
// through parameters (followed through calls and function literals that
// capture them, resolved by types) from calls that each pass a context
// nothing cancels, and each such caller has a context.Context parameter of
// its own and returns when that one is done (a select case on its Done
// that returns). The goroutine then ends no later than its caller does.
func (e *editor) passCallersContext() (*report.Suggestion, string) {
	done := e.doneWaited()
	if done == "" || e.s.decl == nil {
		return nil, ""
	}
	info := e.d.packageTypes(e.s.file)
	if info == nil {
		return nil, ""
	}
	decl, idx := paramOwner(e.s, done)
	if decl == nil {
		return nil, ""
	}
	var sites []callerCtx
	if !e.ctxSources(info, decl, idx, 0, &sites) || len(sites) == 0 {
		return nil, ""
	}
	var edits []report.Edit
	var where []string
	for _, cs := range sites {
		edits = append(edits, newEdit(cs.file, cs.file.posOffset(cs.arg.Pos()), cs.file.posOffset(cs.arg.End()), cs.ctx))
		where = append(where, fmt.Sprintf("line %d (%s's %s)", cs.file.lineOf(cs.arg.Pos()), cs.fn, cs.ctx))
	}
	e.fix = fmt.Sprintf("pass the caller's context instead of %s at %s: the goroutine waits for that context to "+
		"end, and nothing cancels %s", types.ExprString(sites[0].arg), strings.Join(where, ", "),
		types.ExprString(sites[0].arg))
	return &report.Suggestion{
		Summary: fmt.Sprintf("pass the caller's context at %s, which it returns on, instead of one nothing cancels",
			strings.Join(where, ", ")),
		Edits: edits,
	}, ""
}

// callerCtx is a call passing a context nothing cancels where the calling
// function has its own: arg is the argument, ctx the parameter to pass.
type callerCtx struct {
	file *srcFile
	arg  ast.Expr
	fn   string
	ctx  string
}

// paramOwner returns the function declaration around s whose parameter
// name is, and its index: the site's own function, or the declaration a
// function literal captures it from.
func paramOwner(s *site, name string) (*ast.FuncDecl, int) {
	for i := len(s.path) - 1; i >= 0; i-- {
		switch fn := s.path[i].(type) {
		case *ast.FuncLit:
			if paramIndex(fn, name) >= 0 || declares(fn.Body, name, false) {
				return nil, -1 // the literal's own
			}
		case *ast.FuncDecl:
			return fn, paramIndex(fn, name)
		}
	}
	return nil, -1
}

// ctxSources follows the parameter idx of decl to what its callers pass:
// a parameter of theirs (followed, at most four calls deep) or a context
// nothing cancels (a site, when the caller can pass its own). It reports
// false when a caller passes anything else, or a site has no context to
// pass instead.
func (e *editor) ctxSources(info *types.Info, decl *ast.FuncDecl, idx, depth int, sites *[]callerCtx) bool {
	obj := info.Defs[decl.Name]
	if obj == nil || idx < 0 || depth > 4 {
		return false
	}
	ok, calls := true, 0
	for _, pf := range e.d.pkgFiles(e.s.file) {
		ast.Inspect(pf.ast, func(n ast.Node) bool {
			c, isCall := n.(*ast.CallExpr)
			if !ok || !isCall || calleeObj(info, c) != obj {
				return ok
			}
			calls++
			if idx >= len(c.Args) {
				ok = false
				return false
			}
			arg := c.Args[idx]
			cs := pf.locate(pf.lineOf(c.Pos()))
			if cs == nil {
				ok = false
				return false
			}
			if id, isIdent := arg.(*ast.Ident); isIdent {
				owner, j := paramOwner(cs, id.Name)
				ok = owner != nil && j >= 0 && e.ctxSources(info, owner, j, depth+1, sites)
				return ok
			}
			call, isCall := arg.(*ast.CallExpr)
			if !isCall || !(isCallTo(call, "context", "Background") || isCallTo(call, "context", "TODO")) ||
				cs.decl == nil {
				ok = false
				return false
			}
			own := ownContext(cs.decl)
			if own == "" {
				ok = false
				return false
			}
			*sites = append(*sites, callerCtx{file: pf, arg: arg, fn: cs.decl.Name.Name, ctx: own})
			return true
		})
	}
	return ok && calls > 0
}

// ownContext returns decl's context.Context parameter when decl returns on
// its Done (a select case <-ctx.Done() whose body ends in a return), ""
// otherwise.
func ownContext(decl *ast.FuncDecl) string {
	for _, f := range decl.Type.Params.List {
		if types.ExprString(f.Type) != "context.Context" || len(f.Names) != 1 {
			continue
		}
		name := f.Names[0].Name
		if declares(decl.Body, name, false) {
			continue // shadowed somewhere: which one a call sees is not checked
		}
		returns := false
		ast.Inspect(decl.Body, func(n ast.Node) bool {
			cc, ok := n.(*ast.CommClause)
			if !ok || cc.Comm == nil || returns {
				return !returns
			}
			if ctx, done := isDoneRecv(&ast.UnaryExpr{Op: token.ARROW, X: commExpr(cc)}); done && ctx == name &&
				endsInReturn(cc.Body) {
				returns = true
			}
			return true
		})
		if returns {
			return name
		}
	}
	return ""
}

// useDerivedContext keeps the context a group constructor derives where
// the code discards it: the group waits on ctx.Done() for a context its
// caller passes as the caller's own ctx, and the caller made a group from
// that ctx with `g, _ := G(ctx)`, G returning the group and a context the
// group cancels (errgroup.WithContext, or a function of the package whose
// second result is a context.Context it derives with a cancel). The
// goroutines then get the group's context, cancelled when one of them
// fails, instead of one that outlives them.
func (e *editor) useDerivedContext() (*report.Suggestion, string) {
	done := e.doneWaited()
	info := e.d.packageTypes(e.s.file)
	if done == "" || e.s.decl == nil || info == nil {
		return nil, ""
	}
	decl, idx := paramOwner(e.s, done)
	if decl == nil || idx < 0 || info.Defs[decl.Name] == nil {
		return nil, ""
	}
	obj := info.Defs[decl.Name]
	for _, pf := range e.d.pkgFiles(e.s.file) {
		var found *report.Suggestion
		ast.Inspect(pf.ast, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if found != nil || !ok || calleeObj(info, c) != obj || idx >= len(c.Args) {
				return found == nil
			}
			id, ok := c.Args[idx].(*ast.Ident)
			if !ok {
				return true
			}
			cs := pf.locate(pf.lineOf(c.Pos()))
			if cs == nil {
				return true
			}
			owner, j := paramOwner(cs, id.Name)
			if owner == nil || j < 0 {
				return true
			}
			for _, st := range owner.Body.List {
				as, ok := st.(*ast.AssignStmt)
				if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 || as.Pos() > c.Pos() {
					continue
				}
				blank, ok := as.Lhs[1].(*ast.Ident)
				g, isCall := as.Rhs[0].(*ast.CallExpr)
				if !ok || blank.Name != "_" || !isCall || len(g.Args) != 1 || types.ExprString(g.Args[0]) != id.Name ||
					!e.derivesContext(info, g) {
					continue
				}
				at := pf.posOffset(blank.Pos())
				e.fix = fmt.Sprintf("keep the context %s returns (line %d) as %s: the goroutines get %s's own %s, "+
					"which nothing cancels when one of them fails", types.ExprString(g.Fun), pf.lineOf(as.Pos()),
					id.Name, owner.Name.Name, id.Name)
				found = &report.Suggestion{
					Summary: fmt.Sprintf("use the context %s derives (%s) for the group's goroutines", types.ExprString(g.Fun),
						id.Name),
					Edits: []report.Edit{newEdit(pf, at, at+1, id.Name)},
				}
				return false
			}
			return true
		})
		if found != nil {
			return found, ""
		}
	}
	return nil, ""
}

// derivesContext reports whether c returns a group and the context it
// cancels: errgroup.WithContext, or a function of the package whose second
// result is a context.Context and whose body derives one with a cancel.
func (e *editor) derivesContext(info *types.Info, c *ast.CallExpr) bool {
	if isCallTo(c, "errgroup", "WithContext") {
		return true
	}
	fn, ok := calleeObj(info, c).(*types.Func)
	if !ok {
		return false
	}
	for _, pf := range e.d.pkgFiles(e.s.file) {
		for _, d := range pf.ast.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || info.Defs[fd.Name] != fn || fd.Body == nil || fd.Type.Results.NumFields() != 2 {
				continue
			}
			if types.ExprString(fd.Type.Results.List[len(fd.Type.Results.List)-1].Type) != "context.Context" {
				return false
			}
			derives := false
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok && cancellable(c) {
					derives = true
				}
				return !derives
			})
			return derives
		}
	}
	return false
}
