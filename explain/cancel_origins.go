package explain

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/leakhound/leakhound/internal/values"
	"github.com/leakhound/leakhound/report"
)

// The alias union joins values by unification: a function called once
// with a scheduler's context and once with an executor's makes the two one
// class, and then the cancel of every context derived from either counts
// as cancelling both. Where the code lets it, cancelOrigins follows the
// waited context the other way, by its assignments: the context.With…
// calls whose context a variable or field may hold, through assignments,
// var declarations and struct literals of the package, then their parents
// in turn; and the variables and fields their cancel functions are kept
// in. A union partner that calls none of those is dropped. Where a value
// cannot be followed this way (a parameter, a result of another function,
// a field set outside the package), the union's partners stand.

// cancelIndex is what the package assigns to each variable and field.
type cancelIndex struct {
	info    *types.Info
	assigns map[types.Object][]cancelAssign
	params  map[types.Object]bool
	// unknown marks objects assigned in a way the index does not follow.
	unknown map[types.Object]bool
}

// cancelAssign is one value assigned to an object: rhs, or, for
// `ctx, cancel := context.With…(parent)`, the With call and the object
// the cancel function goes to (nil for _).
type cancelAssign struct {
	rhs    ast.Expr
	with   *ast.CallExpr
	cancel types.Object
}

// newCancelIndex indexes the assignments of files.
func newCancelIndex(files []*ast.File, info *types.Info) *cancelIndex {
	x := &cancelIndex{info: info, assigns: make(map[types.Object][]cancelAssign),
		params: make(map[types.Object]bool), unknown: make(map[types.Object]bool)}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncType:
				if n.Params != nil {
					for _, p := range n.Params.List {
						for _, id := range p.Names {
							if o := info.Defs[id]; o != nil {
								x.params[o] = true
							}
						}
					}
				}
			case *ast.AssignStmt:
				x.assign(n.Lhs, n.Rhs, n.Tok)
			case *ast.ValueSpec:
				lhs := make([]ast.Expr, len(n.Names))
				for i, id := range n.Names {
					lhs[i] = id
				}
				x.assign(lhs, n.Values, token.DEFINE)
			case *ast.CompositeLit:
				for _, el := range n.Elts {
					kv, ok := el.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if id, ok := kv.Key.(*ast.Ident); ok {
						if fld, ok := info.Uses[id].(*types.Var); ok && fld.IsField() {
							x.assigns[fld] = append(x.assigns[fld], cancelAssign{rhs: kv.Value})
						}
					}
				}
			case *ast.RangeStmt:
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if o := x.objOf(e); o != nil {
						x.unknown[o] = true
					}
				}
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					if o := x.objOf(n.X); o != nil {
						x.unknown[o] = true // written through the pointer
					}
				}
			}
			return true
		})
	}
	return x
}

// assign records lhs = rhs.
func (x *cancelIndex) assign(lhs, rhs []ast.Expr, tok token.Token) {
	if tok != token.ASSIGN && tok != token.DEFINE {
		for _, l := range lhs {
			if o := x.objOf(l); o != nil {
				x.unknown[o] = true
			}
		}
		return
	}
	if len(lhs) == len(rhs) {
		for i, l := range lhs {
			if o := x.objOf(l); o != nil {
				x.assigns[o] = append(x.assigns[o], cancelAssign{rhs: rhs[i]})
			}
		}
		return
	}
	if len(rhs) == 1 && len(lhs) == 2 {
		if c, ok := ast.Unparen(rhs[0]).(*ast.CallExpr); ok && cancellable(c) {
			if o := x.objOf(lhs[0]); o != nil {
				x.assigns[o] = append(x.assigns[o], cancelAssign{with: c, cancel: x.objOf(lhs[1])})
			}
			if o := x.objOf(lhs[1]); o != nil {
				x.assigns[o] = append(x.assigns[o], cancelAssign{with: c})
			}
			return
		}
	}
	for _, l := range lhs {
		if o := x.objOf(l); o != nil {
			x.unknown[o] = true // a result of some call, or a comma-ok form
		}
	}
}

// objOf returns the variable or field an expression names, nil for
// anything else (an element, a blank).
func (x *cancelIndex) objOf(e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		if e.Name == "_" {
			return nil
		}
		if o, ok := objectOf(x.info, e).(*types.Var); ok {
			return o
		}
	case *ast.SelectorExpr:
		if s := x.info.Selections[e]; s != nil && s.Kind() == types.FieldVal {
			return s.Obj()
		}
	}
	return nil
}

// withCalls returns the context.With… calls whose context e may hold,
// with their ancestors; ok is false when some value of e cannot be
// followed. seen guards against cycles of assignments.
func (x *cancelIndex) withCalls(e ast.Expr, seen map[types.Object]bool) (calls []cancelAssign, ok bool) {
	e = ast.Unparen(e)
	if c, isCall := e.(*ast.CallExpr); isCall {
		if isCallTo(c, "context", "Background") || isCallTo(c, "context", "TODO") {
			return nil, true // a root: nothing cancels it
		}
		return nil, false
	}
	o := x.objOf(e)
	if o == nil || x.params[o] || x.unknown[o] || len(x.assigns[o]) == 0 {
		return nil, false
	}
	if seen[o] {
		return nil, true
	}
	seen[o] = true
	for _, a := range x.assigns[o] {
		if a.with == nil {
			more, ok := x.withCalls(a.rhs, seen)
			if !ok {
				return nil, false
			}
			calls = append(calls, more...)
			continue
		}
		calls = append(calls, a)
		if len(a.with.Args) == 0 {
			return nil, false
		}
		parents, ok := x.withCalls(a.with.Args[0], seen)
		if !ok {
			return nil, false
		}
		calls = append(calls, parents...)
	}
	return calls, true
}

// holders returns the objects the cancel functions of calls are kept in:
// the variables they are assigned to first, and every variable and field
// assigned one of those in turn.
func (x *cancelIndex) holders(calls []cancelAssign) map[types.Object]bool {
	out := make(map[types.Object]bool)
	for _, c := range calls {
		if c.cancel != nil {
			out[c.cancel] = true
		}
	}
	for grown := true; grown; {
		grown = false
		for o, as := range x.assigns {
			if out[o] {
				continue
			}
			for _, a := range as {
				if a.rhs != nil && out[x.objOf(a.rhs)] {
					out[o] = true
					grown = true
					break
				}
			}
		}
	}
	return out
}

// preciseCancels keeps, of the union's cancel partners of the context x
// (written in f), those whose line names a holder of a cancel function of
// a context x may hold; all of them when x cannot be followed. It reads
// the package as the type check parsed it (f.typed), which the union's
// keys are positions of.
func (d *diagnoser) preciseCancels(f *srcFile, x ast.Expr, partners []report.SourceRef) []report.SourceRef {
	p := f.typed
	if p == nil || len(partners) == 0 {
		return partners
	}
	tx := typedExpr(p, f.path, f.tok.Offset(x.Pos()), f.tok.Offset(x.End()))
	if tx == nil {
		return partners
	}
	idx := d.cancels[p]
	if idx == nil {
		idx = newCancelIndex(p.Files, p.Info)
		if d.cancels == nil {
			d.cancels = make(map[*values.Package]*cancelIndex)
		}
		d.cancels[p] = idx
	}
	calls, ok := idx.withCalls(tx, make(map[types.Object]bool))
	if !ok {
		return partners
	}
	holders := idx.holders(calls)
	names := func(file string, line int) bool {
		for _, af := range p.Files {
			if p.Fset.File(af.Pos()).Name() != file {
				continue
			}
			found := false
			ast.Inspect(af, func(n ast.Node) bool {
				if e, ok := n.(ast.Expr); ok && !found && p.Fset.Position(e.Pos()).Line == line && holders[idx.objOf(e)] {
					found = true
				}
				return !found
			})
			return found
		}
		return true // a file of another package: not this index's to rule out
	}
	var kept []report.SourceRef
	for _, r := range partners {
		if names(r.File, r.Line) {
			kept = append(kept, r)
		}
	}
	return kept
}
