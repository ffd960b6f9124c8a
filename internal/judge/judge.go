// Package judge checks an explanation's claims by a second, simpler,
// exhaustive method, sharing nothing with the explanation's analysis but
// the type checker: it is the independent judge the tests of explain, of
// the real-bug corpus, of real modules and of the examples run. It is for
// tests only (it reports through testing.TB).
package judge

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/values"
	"github.com/leakhound/leakhound/report"
)

// The judge re-derives every structured claim of a diagnosis (Facts: the
// make of the channel, the partners, the locks held, the cycle's edges,
// and "nothing releases it" when no partner is listed) from the
// type-checked source, the dumb exhaustive way, sharing nothing with the
// analysis but the type checker: it lists every operation of the package
// with its operand's type and variable, and rules two operands apart only
// when they provably are other values — two different variables or fields
// of a sync type held by value, or two values whose every allocation site
// it can list with none in common: through assignments, parameters (every
// static call, every call of an interface method of that name, every call
// through a function value that may hold the literal), returns (of static
// calls, interface calls and calls through function values) and receives
// (every send on a channel of that type). It never uses the alias union.

// jop is one operation the judge lists.
type jop struct {
	kind    string // "send", "receive", "range", "close", "lock", "rlock", "unlock", "runlock", "done", "add", "wait", "signal", "broadcast"
	file    string
	line    int
	operand ast.Expr
	typ     types.Type
	obj     *types.Var // the variable or field the operand names, nil when it names none
	value   ast.Expr   // for a send, the value sent
}

// Package is what the judge knows of one package.
type Package struct {
	pkg       *types.Package
	info      *types.Info
	fset      *token.FileSet
	ops       []jop
	makes     []jmake
	assigns   map[*types.Var][]ast.Expr // every value assigned to a variable or field
	params    map[*types.Var]paramOf    // parameters, with their function and index
	calls     map[types.Object][]*ast.CallExpr
	uses      map[types.Object]int           // identifiers naming each function
	dsts      map[*ast.CallExpr]*types.Var   // where a make is stored, when directly
	rangeOf   map[*types.Var]*types.Var      // a range variable's container (not a channel)
	chanRange map[*types.Var]ast.Expr        // a range variable's channel: it holds what is sent on it
	bodies    map[types.Object]*ast.FuncDecl // function declarations
	visiting  map[types.Object]bool
	// visitingLit marks the function literals whose returns are being
	// listed.
	visitingLit map[*ast.FuncLit]bool
	// litParams are the parameters of function literals; valueCalls the
	// calls through a function value (a literal called in place
	// included), which may call them.
	litParams  map[*types.Var]litParam
	valueCalls []*ast.CallExpr
	// callingLit marks the literals whose parameters are being listed;
	// depth bounds the nesting of exprSites.
	callingLit map[*ast.FuncLit]bool
	depth      int
	external   ast.Expr            // the one site standing for every value made outside the package
	addressed  map[*types.Var]bool // variables and fields whose address is taken with &
	// outside are the interface types of other packages the package's
	// values may be converted to: a method that implements one may be
	// called from outside with values from outside.
	outside []*types.Interface
	// receiving marks the channel types whose sent values are being
	// listed, so a value received from a value received stops.
	receiving map[string]bool
	// funcs are the package's function declarations and literals.
	funcs []jfunc
}

// jfunc is a function declaration or literal, with the lines it spans.
type jfunc struct {
	file       string
	start, end int
	node       ast.Node
}

// funcAt returns the innermost function declaration or literal of the
// package spanning line of file, nil when none does.
func (j *Package) funcAt(file string, line int) ast.Node {
	var best *jfunc
	for i := range j.funcs {
		f := &j.funcs[i]
		if f.file == file && f.start <= line && line <= f.end && (best == nil || f.end-f.start < best.end-best.start) {
			best = f
		}
	}
	if best == nil {
		return nil
	}
	return best.node
}

// litParam is a parameter of a function literal.
type litParam struct {
	lit   *ast.FuncLit
	index int
}

type paramOf struct {
	fn    types.Object
	index int
}

type jmake struct {
	file string
	line int
	call *ast.CallExpr
}

var judgeCache = struct {
	sync.Mutex
	m map[string]*Package
}{m: make(map[string]*Package)}

// Load builds the judge's view of the package holding file (loaded once
// per process), nil when it cannot be loaded; t logs why.
func Load(t testing.TB, file string) *Package {
	dir := filepath.Dir(file)
	judgeCache.Lock()
	defer judgeCache.Unlock()
	if j, ok := judgeCache.m[dir]; ok {
		return j
	}
	pkgs, err := values.Load(dir)
	if err != nil {
		t.Logf("judge: %s not loaded: %v", dir, err)
		judgeCache.m[dir] = nil
		return nil
	}
	p := pkgs[0]
	j := &Package{pkg: p.Types, info: p.Info, fset: p.Fset, assigns: make(map[*types.Var][]ast.Expr), params: make(map[*types.Var]paramOf),
		calls: make(map[types.Object][]*ast.CallExpr), uses: make(map[types.Object]int),
		dsts: make(map[*ast.CallExpr]*types.Var), rangeOf: make(map[*types.Var]*types.Var),
		bodies: make(map[types.Object]*ast.FuncDecl), visiting: make(map[types.Object]bool),
		addressed: make(map[*types.Var]bool), external: &ast.BadExpr{},
		chanRange: make(map[*types.Var]ast.Expr), receiving: make(map[string]bool), visitingLit: make(map[*ast.FuncLit]bool),
		litParams: make(map[*types.Var]litParam), callingLit: make(map[*ast.FuncLit]bool)}
	j.outside = outsideInterfaces(p.Types, p.Info)
	// Declarations first: an operand's variable may be read through a
	// method declared in a later file.
	for _, f := range p.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if fn := j.info.Defs[fd.Name]; fn != nil {
					j.paramsOf(fn, fd.Type)
					j.bodies[fn] = fd
				}
			}
		}
	}
	for _, f := range p.Files {
		j.walk(f)
	}
	judgeCache.m[dir] = j
	return j
}

func (j *Package) line(n ast.Node) (string, int) {
	p := j.fset.Position(n.Pos())
	return p.Filename, p.Line
}

// varOf returns the variable or field an operand names.
func (j *Package) varOf(e ast.Expr) *types.Var {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, _ := j.info.ObjectOf(e).(*types.Var)
		return v
	case *ast.SelectorExpr:
		if s := j.info.Selections[e]; s != nil && s.Kind() == types.FieldVal {
			v, _ := s.Obj().(*types.Var)
			return v
		}
		v, _ := j.info.Uses[e.Sel].(*types.Var)
		return v
	case *ast.StarExpr:
		return j.varOf(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return j.varOf(e.X)
		}
	case *ast.CallExpr:
		// A method whose body is one return of a field: that field.
		if sel, ok := ast.Unparen(e.Fun).(*ast.SelectorExpr); ok {
			if s := j.info.Selections[sel]; s != nil && s.Kind() == types.MethodVal {
				if d := j.bodies[s.Obj()]; d != nil && d.Body != nil && len(d.Body.List) == 1 {
					if r, ok := d.Body.List[0].(*ast.ReturnStmt); ok && len(r.Results) == 1 {
						return j.varOf(r.Results[0])
					}
				}
			}
		}
	}
	return nil
}

var judgeMethods = map[string]string{"Lock": "lock", "RLock": "rlock", "Unlock": "unlock", "RUnlock": "runlock",
	"Done": "done", "Add": "add", "Wait": "wait", "Signal": "signal", "Broadcast": "broadcast", "Do": "do"}

func (j *Package) add(kind string, at ast.Node, operand ast.Expr, typ types.Type, obj *types.Var) {
	file, line := j.line(at)
	j.ops = append(j.ops, jop{kind: kind, file: file, line: line, operand: operand, typ: typ, obj: obj})
}

func (j *Package) addFunc(n ast.Node) {
	file, start := j.line(n)
	_, end := j.line(endOf{n})
	j.funcs = append(j.funcs, jfunc{file: file, start: start, end: end, node: n})
}

// endOf is a node whose position is another node's end.
type endOf struct{ ast.Node }

func (e endOf) Pos() token.Pos { return e.Node.End() }

func (j *Package) walk(f *ast.File) {
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SendStmt:
			j.add("send", n, n.Chan, j.info.TypeOf(n.Chan), j.varOf(n.Chan))
			j.ops[len(j.ops)-1].value = n.Value
			j.assign(nil, n.Value)
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				j.add("receive", n, n.X, j.info.TypeOf(n.X), j.varOf(n.X))
			}
			if n.Op == token.AND {
				if v := j.varOf(n.X); v != nil {
					j.addressed[v] = true
				}
			}
		case *ast.RangeStmt:
			if _, ok := under(j.info.TypeOf(n.X)).(*types.Chan); ok {
				j.add("range", n, n.X, j.info.TypeOf(n.X), j.varOf(n.X))
			}
			for _, x := range []ast.Expr{n.Key, n.Value} {
				if x != nil {
					j.assign(x, nil) // assigned something other than a make
				}
			}
			if _, ok := under(j.info.TypeOf(n.X)).(*types.Chan); ok {
				if rv := j.varOf(n.Key); n.Key != nil && rv != nil {
					j.chanRange[rv] = n.X
				}
			} else if n.Value != nil {
				if rv := j.varOf(n.Value); rv != nil {
					j.rangeOf[rv] = j.varOf(n.X)
				}
			}
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i := range n.Lhs {
					j.assign(n.Lhs[i], n.Rhs[i])
				}
			} else if c, ok := ast.Unparen(n.Rhs[0]).(*ast.CallExpr); ok && len(n.Lhs) == 2 && j.contextWith(c) {
				// ctx, cancel := context.WithCancel(parent): both come
				// from that call, the one site that stands for them.
				j.assign(n.Lhs[0], c)
				j.assign(n.Lhs[1], c)
			} else if u, ok := ast.Unparen(n.Rhs[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW && len(n.Lhs) == 2 {
				j.assign(n.Lhs[0], n.Rhs[0]) // v, ok := <-ch: v is what was sent
				j.assign(n.Lhs[1], nil)
			} else {
				for _, l := range n.Lhs {
					j.assign(l, nil)
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if i < len(n.Values) {
					j.assign(id, n.Values[i])
				} else if len(n.Values) > 0 {
					j.assign(id, nil)
				}
			}
		case *ast.CompositeLit:
			if st, ok := under(j.info.TypeOf(n)).(*types.Struct); ok {
				for i, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						j.assign(kv.Key, kv.Value)
					} else if i < st.NumFields() {
						j.assignVar(st.Field(i), el)
					}
				}
			}
		case *ast.Ident:
			if fn, ok := j.info.Uses[n].(*types.Func); ok {
				j.uses[fn]++
			}
		case *ast.CallExpr:
			j.call(n)
		case *ast.FuncDecl:
			j.addFunc(n)
		case *ast.FuncLit:
			j.addFunc(n)
			i := 0
			for _, fld := range n.Type.Params.List {
				if len(fld.Names) == 0 {
					i++
				}
				for _, id := range fld.Names {
					if v, ok := j.info.Defs[id].(*types.Var); ok {
						j.litParams[v] = litParam{n, i}
					}
					i++
				}
			}
		}
		return true
	})
}

// returnSites lists what the function fn of the package may return as its
// first result.
func (j *Package) returnSites(fn types.Object, seen map[*types.Var]bool) (map[ast.Expr]bool, bool) {
	j.visiting[fn] = true
	defer delete(j.visiting, fn)
	return j.bodyReturns(j.bodies[fn].Body, seen)
}

// bodyReturns lists what a function body may return as its first result
// (the returns of literals inside it are theirs).
func (j *Package) bodyReturns(body *ast.BlockStmt, seen map[*types.Var]bool) (map[ast.Expr]bool, bool) {
	out := make(map[ast.Expr]bool)
	ok := true
	n := 0
	ast.Inspect(body, func(x ast.Node) bool {
		if _, lit := x.(*ast.FuncLit); lit || !ok {
			return false
		}
		if r, isRet := x.(*ast.ReturnStmt); isRet {
			n++
			if len(r.Results) == 0 {
				ok = false
				return false
			}
			m, good := j.exprSites(r.Results[0], seen)
			ok = ok && good
			for k := range m {
				out[k] = true
			}
		}
		return true
	})
	return out, ok && n > 0
}

// dynamicSites lists what a call of the interface method m may return:
// the returns of every method of the package with m's name and signature,
// and a value from outside the package (the standard library's
// implementations), which is never one of the package's allocations.
func (j *Package) dynamicSites(m *types.Func, seen map[*types.Var]bool) (map[ast.Expr]bool, bool) {
	out := map[ast.Expr]bool{j.external: true}
	want := m.Type().(*types.Signature)
	for fn, d := range j.bodies {
		sig, ok := fn.Type().(*types.Signature)
		if !ok || sig.Recv() == nil || fn.Name() != m.Name() || d.Body == nil || j.visiting[fn] {
			continue
		}
		if !types.Identical(types.NewSignatureType(nil, nil, nil, sig.Params(), sig.Results(), sig.Variadic()),
			types.NewSignatureType(nil, nil, nil, want.Params(), want.Results(), want.Variadic())) {
			continue
		}
		m, ok := j.returnSites(fn, seen)
		if !ok {
			return nil, false
		}
		for k := range m {
			out[k] = true
		}
	}
	return out, true
}

// std reports whether an import path is the standard library's.
func std(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && path != "main"
}

// staticCallee returns the function a call calls, nil when dynamic.
func (j *Package) staticCallee(c *ast.CallExpr) types.Object {
	switch fun := ast.Unparen(c.Fun).(type) {
	case *ast.Ident:
		if fn, ok := j.info.Uses[fun].(*types.Func); ok {
			return fn
		}
	case *ast.SelectorExpr:
		if s := j.info.Selections[fun]; s != nil && s.Kind() == types.MethodVal && !types.IsInterface(s.Recv()) {
			return s.Obj()
		}
	}
	return nil
}

// escapes reports whether fn is named other than as the callee of its
// calls (a method value, a function passed on): then not every caller is
// known.
func (j *Package) escapes(fn types.Object) bool { return j.uses[fn] > len(j.calls[fn]) }

// callers lists every call in the package that may run fn: its static
// calls and, for a method, the calls of each interface method of that name
// and signature. outside reports that an interface of another package the
// package uses has a method of that name, so code outside may call it too
// (with values from outside).
// False when fn or such an interface method is named other than as a
// callee (a method value): then not every call is seen.
func (j *Package) callers(fn types.Object) (calls []*ast.CallExpr, outside, ok bool) {
	if j.escapes(fn) {
		return nil, false, false
	}
	calls = append(calls, j.calls[fn]...)
	f, isFunc := fn.(*types.Func)
	if !isFunc {
		return calls, false, true
	}
	sig := f.Type().(*types.Signature)
	if sig.Recv() == nil {
		return calls, false, true
	}
	// Every interface call of that name and signature counts, whether or
	// not fn's type implements that interface on its own (a type embedding
	// fn's may): more callers only make the judge prove less.
	for callee, cs := range j.calls {
		m, ok := callee.(*types.Func)
		if !ok || m.Name() != f.Name() || m == f {
			continue
		}
		msig := m.Type().(*types.Signature)
		if msig.Recv() == nil || !types.IsInterface(msig.Recv().Type()) ||
			!types.Identical(types.NewSignatureType(nil, nil, nil, msig.Params(), msig.Results(), msig.Variadic()),
				types.NewSignatureType(nil, nil, nil, sig.Params(), sig.Results(), sig.Variadic())) {
			continue
		}
		if j.escapes(m) {
			return nil, false, false
		}
		calls = append(calls, cs...)
	}
	for _, it := range j.outside {
		if obj, _, _ := types.LookupFieldOrMethod(it, false, f.Pkg(), f.Name()); obj != nil {
			outside = true
		}
	}
	return calls, outside, true
}

// outsideInterfaces lists the interface types of other packages that the
// package's expressions have or that the functions it calls take.
func outsideInterfaces(pkg *types.Package, info *types.Info) []*types.Interface {
	seen := make(map[types.Type]bool)
	var out []*types.Interface
	addIface := func(t types.Type) {
		n, ok := t.(*types.Named)
		if !ok || n.Obj().Pkg() == nil || n.Obj().Pkg() == pkg || seen[n] {
			return
		}
		seen[n] = true
		if it, ok := n.Underlying().(*types.Interface); ok && it.NumMethods() > 0 {
			out = append(out, it)
		}
	}
	for _, tv := range info.Types {
		addIface(tv.Type)
		if sig, ok := tv.Type.(*types.Signature); ok {
			for i := range sig.Params().Len() {
				addIface(sig.Params().At(i).Type())
			}
		}
	}
	return out
}

// received lists what a receive from ch may give: the values of every send
// in the package on a channel of ch's type, and a value from outside (a
// channel the standard library sends on, a value sent by code the judge
// does not see), which is never one of the package's allocations.
func (j *Package) received(ch ast.Expr, seen map[*types.Var]bool) (map[ast.Expr]bool, bool) {
	t := j.info.TypeOf(ch)
	if t == nil {
		return nil, false
	}
	key := types.TypeString(under(t), nil)
	if j.receiving[key] {
		return map[ast.Expr]bool{}, true // listed by the caller
	}
	j.receiving[key] = true
	defer delete(j.receiving, key)
	out := map[ast.Expr]bool{j.external: true}
	for _, o := range j.ops {
		if o.kind != "send" || o.value == nil || !sameType(o.typ, t) {
			continue
		}
		m, ok := j.exprSites(o.value, seen)
		if !ok {
			return nil, false
		}
		for k := range m {
			out[k] = true
		}
	}
	return out, true
}

func (j *Package) paramsOf(fn types.Object, ft *ast.FuncType) {
	i := 0
	for _, fld := range ft.Params.List {
		if len(fld.Names) == 0 {
			i++
			continue
		}
		for _, id := range fld.Names {
			if v, ok := j.info.Defs[id].(*types.Var); ok {
				j.params[v] = paramOf{fn, i}
			}
			i++
		}
	}
}

func (j *Package) call(c *ast.CallExpr) {
	if id, ok := ast.Unparen(c.Fun).(*ast.Ident); ok {
		if b, ok := j.info.Uses[id].(*types.Builtin); ok {
			if b.Name() == "make" {
				file, line := j.line(c)
				j.makes = append(j.makes, jmake{file: file, line: line, call: c})
			}
			if b.Name() == "close" && len(c.Args) == 1 {
				j.add("close", c, c.Args[0], j.info.TypeOf(c.Args[0]), j.varOf(c.Args[0]))
			}
			return
		}
	}
	var callee types.Object
	switch fun := ast.Unparen(c.Fun).(type) {
	case *ast.Ident:
		callee = j.info.Uses[fun]
	case *ast.SelectorExpr:
		if s := j.info.Selections[fun]; s != nil && s.Kind() == types.MethodVal {
			callee = s.Obj()
			if kind, ok := judgeMethods[fun.Sel.Name]; ok && isSyncObj(s.Obj()) && (kind != "add" || negative(j.info, c)) {
				obj := j.varOf(fun.X)
				typ := j.info.TypeOf(fun.X)
				if idx := s.Index(); len(idx) > 1 {
					// promoted from an embedded field: that field
					if v := embedded(s.Recv(), idx[:len(idx)-1]); v != nil {
						obj, typ = v, v.Type()
					}
				}
				j.add(kind, c, fun.X, typ, obj)
			}
		} else {
			callee = j.info.Uses[fun.Sel]
		}
	}
	if fn, ok := callee.(*types.Func); ok {
		j.calls[fn] = append(j.calls[fn], c)
		return
	}
	if tv, ok := j.info.Types[c.Fun]; ok && tv.IsValue() && isSignature(tv.Type) {
		if se, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok {
			if sel := j.info.Selections[se]; sel != nil && sel.Kind() != types.FieldVal {
				return
			}
		}
		j.valueCalls = append(j.valueCalls, c)
		if sig := j.info.TypeOf(c.Fun).Underlying().(*types.Signature); sig.Params().Len() <= 1 && sig.Results().Len() == 0 {
			j.add("cancel", c, c.Fun, j.info.TypeOf(c.Fun), j.varOf(c.Fun)) // cancel() or cancel(cause)
		}
	}
}

// doneOf returns x of the call x.Done(), nil for any other expression.
func doneOf(e ast.Expr) ast.Expr {
	c, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(c.Args) != 0 {
		return nil
	}
	sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Done" {
		return nil
	}
	return sel.X
}

// contextWith reports whether c calls one of the context package's With…
// functions: a new context (and, for WithCancel and kin, its cancel).
func (j *Package) contextWith(c *ast.CallExpr) bool {
	fn := j.contextCallee(c)
	return fn != nil && strings.HasPrefix(fn.Name(), "With")
}

// contextFunc reports whether c calls one of the context package's
// functions named.
func (j *Package) contextFunc(c *ast.CallExpr, names ...string) bool {
	fn := j.contextCallee(c)
	return fn != nil && slices.Contains(names, fn.Name())
}

func (j *Package) contextCallee(c *ast.CallExpr) *types.Func {
	sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	fn, ok := j.info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "context" {
		return nil
	}
	return fn
}

// mayCancel reports whether calling the function value fun may cancel the
// context ctx: fun comes from the context.With… call that made ctx or a
// context ctx derives from (through the first argument of each With…), or
// the judge cannot list the values of either.
func (j *Package) mayCancel(fun, ctx ast.Expr, depth int) bool {
	return j.mayCancelFrom(fun, ctx, depth, make(map[*ast.CallExpr]bool))
}

// mayCancelFrom is mayCancel, skipping the With… calls already followed
// (a variable assigned its own derived context lists that call again).
func (j *Package) mayCancelFrom(fun, ctx ast.Expr, depth int, followed map[*ast.CallExpr]bool) bool {
	if depth > 8 {
		return true
	}
	cs, okC := j.exprSites(fun, map[*types.Var]bool{})
	xs, okX := j.exprSites(ctx, map[*types.Var]bool{})
	if !okC || !okX || cs[j.external] || xs[j.external] {
		return true
	}
	for x := range xs {
		c, ok := x.(*ast.CallExpr)
		if !ok || !j.contextWith(c) || followed[c] {
			continue
		}
		followed[c] = true
		if cs[c] || len(c.Args) > 0 && j.mayCancelFrom(fun, c.Args[0], depth+1, followed) {
			return true
		}
	}
	return false
}

// litParamSites lists what a function literal's parameter may hold: the
// argument of every call through a function value that may be that
// literal, and a value from outside (the literal may be handed to code the
// judge does not see, which calls it with its own values). False when a
// call of the literal's signature calls a value the judge cannot list.
func (j *Package) litParamSites(p litParam, seen map[*types.Var]bool) (map[ast.Expr]bool, bool) {
	if j.callingLit[p.lit] {
		return nil, false
	}
	j.callingLit[p.lit] = true
	defer delete(j.callingLit, p.lit)
	out := map[ast.Expr]bool{j.external: true}
	litSig := j.info.TypeOf(p.lit).Underlying().(*types.Signature)
	for _, c := range j.valueCalls {
		fns, ok := j.exprSites(c.Fun, map[*types.Var]bool{})
		if !ok {
			if types.Identical(j.info.TypeOf(c.Fun).Underlying(), litSig) {
				return nil, false
			}
			continue
		}
		if !fns[p.lit] {
			continue
		}
		if p.index >= len(c.Args) || litSig.Variadic() && p.index >= litSig.Params().Len()-1 {
			return nil, false
		}
		m, ok := j.exprSites(c.Args[p.index], seen)
		if !ok {
			return nil, false
		}
		for k := range m {
			out[k] = true
		}
	}
	return out, true
}

// negative reports whether a call's one argument is a negative constant
// (wg.Add(-1) releases like Done).
func negative(info *types.Info, c *ast.CallExpr) bool {
	if len(c.Args) != 1 {
		return false
	}
	tv := info.Types[c.Args[0]]
	return tv.Value != nil && constant.Sign(tv.Value) < 0
}

// isSyncObj reports whether a method belongs to a sync type.
func isSyncObj(o types.Object) bool {
	return o.Pkg() != nil && o.Pkg().Path() == "sync"
}

func embedded(recv types.Type, index []int) *types.Var {
	t := recv
	var v *types.Var
	for _, i := range index {
		s, ok := under(t).(*types.Struct)
		if !ok || i >= s.NumFields() {
			return nil
		}
		v = s.Field(i)
		t = v.Type()
	}
	return v
}

func under(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem().Underlying()
	}
	return t.Underlying()
}

func (j *Package) assign(lhs, rhs ast.Expr) {
	if lhs == nil {
		return
	}
	if v := j.varOf(lhs); v != nil {
		j.assignVar(v, rhs)
	}
	if rhs != nil {
		if c, ok := ast.Unparen(rhs).(*ast.CallExpr); ok && isMake(j.info, c) {
			j.dsts[c] = j.varOf(lhs)
		}
	}
}

func (j *Package) assignVar(v *types.Var, rhs ast.Expr) {
	j.assigns[v] = append(j.assigns[v], rhs) // nil: something the judge does not read
}

func isMake(info *types.Info, c *ast.CallExpr) bool {
	id, ok := ast.Unparen(c.Fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := info.Uses[id].(*types.Builtin)
	return ok && b.Name() == "make"
}

// fresh reports whether e is a new value every time it runs: a make or
// new, a composite literal or its address, a call of a sync constructor,
// nil, or an append to v of fresh values.
func (j *Package) fresh(e ast.Expr, v *types.Var) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e.Name == "nil"
	case *ast.CompositeLit, *ast.FuncLit:
		return true
	case *ast.UnaryExpr:
		_, lit := ast.Unparen(e.X).(*ast.CompositeLit)
		return e.Op == token.AND && lit
	case *ast.CallExpr:
		switch fun := ast.Unparen(e.Fun).(type) {
		case *ast.Ident:
			b, ok := j.info.Uses[fun].(*types.Builtin)
			if !ok {
				return false
			}
			switch b.Name() {
			case "make", "new":
				return true
			case "append":
				if len(e.Args) == 0 || j.varOf(e.Args[0]) != v {
					return false
				}
				for _, a := range e.Args[1:] {
					if !j.fresh(a, nil) {
						return false
					}
				}
				return true
			}
		case *ast.SelectorExpr:
			o := j.info.Uses[fun.Sel]
			return o != nil && o.Pkg() != nil && o.Pkg().Path() == "sync"
		}
	}
	return false
}

// syncValue reports whether v holds a sync primitive by value (not a
// pointer): two such variables are two primitives.
func syncValue(v *types.Var) bool {
	n, ok := v.Type().(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "sync"
}

// distinctOps reports whether two operations' operands provably are other
// values.
func (j *Package) distinctOps(a, b *jop) bool {
	if a == nil || b == nil {
		return false
	}
	if a.obj != nil && b.obj != nil && a.obj != b.obj && syncValue(a.obj) && syncValue(b.obj) {
		return true
	}
	if a.obj != nil && a.obj == b.obj {
		return false
	}
	// A sync primitive held by value whose address is never taken is
	// reached through no pointer: an operand that is another variable is
	// another primitive.
	for _, pair := range [][2]*jop{{a, b}, {b, a}} {
		if x, y := pair[0].obj, pair[1].obj; x != nil && y != nil && x != y && syncValue(x) && !j.addressed[x] {
			return true
		}
	}
	va, okA := j.exprSites(a.operand, map[*types.Var]bool{})
	vb, okB := j.exprSites(b.operand, map[*types.Var]bool{})
	if !okA || !okB {
		return false
	}
	for x := range va {
		if vb[x] {
			return false
		}
	}
	return true
}

// sites lists the allocation sites (make, new, literals, sync
// constructors) whose value v may hold; false when the judge cannot list
// them all (a value received, returned by a call, passed by a caller it
// does not know).
func (j *Package) sites(v *types.Var, seen map[*types.Var]bool) (map[ast.Expr]bool, bool) {
	if seen[v] {
		return map[ast.Expr]bool{}, true
	}
	if len(seen) > 32 {
		return nil, false
	}
	seen[v] = true
	out := make(map[ast.Expr]bool)
	merge := func(m map[ast.Expr]bool, ok bool) bool {
		for k := range m {
			out[k] = true
		}
		return ok
	}
	if c, ok := j.rangeOf[v]; ok {
		if c == nil {
			return nil, false
		}
		return j.sites(c, seen)
	}
	if c, ok := j.chanRange[v]; ok {
		return j.received(c, seen)
	}
	if p, ok := j.litParams[v]; ok {
		if !merge(j.litParamSites(p, seen)) {
			return nil, false
		}
		// A parameter assigned in the body holds those values too.
		for _, r := range j.assigns[v] {
			if r == nil || !merge(j.exprSites(r, seen)) {
				return nil, false
			}
		}
		return out, true
	}
	if p, ok := j.params[v]; ok {
		callers, outside, ok := j.callers(p.fn)
		if !ok || len(callers) == 0 {
			return nil, false
		}
		for _, c := range callers {
			if p.index >= len(c.Args) || !merge(j.exprSites(c.Args[p.index], seen)) {
				return nil, false
			}
		}
		if outside {
			out[j.external] = true
		}
		// A parameter assigned in the body holds those values too.
		for _, r := range j.assigns[v] {
			if r == nil || !merge(j.exprSites(r, seen)) {
				return nil, false
			}
		}
		return out, true
	}
	rhs := j.assigns[v]
	if len(rhs) == 0 {
		return nil, false
	}
	for _, r := range rhs {
		if r == nil || !merge(j.exprSites(r, seen)) {
			return nil, false
		}
	}
	return out, true
}

// exprSites is sites for an expression.
func (j *Package) exprSites(e ast.Expr, seen map[*types.Var]bool) (map[ast.Expr]bool, bool) {
	if j.depth > 64 {
		return nil, false
	}
	j.depth++
	defer func() { j.depth-- }()
	e = ast.Unparen(e)
	if id, ok := e.(*ast.Ident); ok && id.Name == "nil" {
		return map[ast.Expr]bool{}, true
	}
	if c, ok := e.(*ast.CallExpr); ok {
		if id, ok := ast.Unparen(c.Fun).(*ast.Ident); ok {
			if b, ok := j.info.Uses[id].(*types.Builtin); ok && b.Name() == "append" && len(c.Args) > 0 {
				out, ok := j.exprSites(c.Args[0], seen)
				if !ok {
					return nil, false
				}
				for _, a := range c.Args[1:] {
					m, ok := j.exprSites(a, seen)
					if !ok {
						return nil, false
					}
					for k := range m {
						out[k] = true
					}
				}
				return out, true
			}
		}
	}
	if j.fresh(e, nil) {
		return map[ast.Expr]bool{e: true}, true
	}
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		return j.received(u.X, seen)
	}
	if c, ok := e.(*ast.CallExpr); ok && (j.contextWith(c) || j.contextFunc(c, "Background", "TODO")) {
		// A context made here: derived (with its cancel), or a root
		// nothing cancels.
		return map[ast.Expr]bool{c: true}, true
	}
	if c, ok := e.(*ast.CallExpr); ok {
		if sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok {
			if s := j.info.Selections[sel]; s != nil && s.Kind() == types.MethodVal && types.IsInterface(s.Recv()) {
				return j.dynamicSites(s.Obj().(*types.Func), seen)
			}
			if fn, ok := j.info.Uses[sel.Sel].(*types.Func); ok && fn.Pkg() != nil && std(fn.Pkg().Path()) {
				return map[ast.Expr]bool{j.external: true}, true
			}
			if s := j.info.Selections[sel]; s != nil && s.Obj().Pkg() != nil && std(s.Obj().Pkg().Path()) {
				return map[ast.Expr]bool{j.external: true}, true
			}
		}
	}
	if c, ok := e.(*ast.CallExpr); ok {
		// A static call: the values its returns may give.
		if fn := j.staticCallee(c); fn != nil && j.bodies[fn] != nil && j.bodies[fn].Body != nil && !j.visiting[fn] {
			if out, ok := j.returnSites(fn, seen); ok {
				return out, true
			}
		}
	}
	if tv, ok := j.info.Types[e]; ok {
		if c, ok := e.(*ast.CallExpr); ok && len(c.Args) == 1 {
			if ft, ok := j.info.Types[c.Fun]; ok && ft.IsType() && tv.IsValue() {
				return j.exprSites(c.Args[0], seen) // a conversion
			}
		}
	}
	if id, ok := e.(*ast.Ident); ok {
		// A function used as a value: its declaration stands for it.
		if fn, ok := j.info.Uses[id].(*types.Func); ok {
			if d := j.bodies[fn]; d != nil {
				return map[ast.Expr]bool{d.Name: true}, true
			}
			return map[ast.Expr]bool{j.external: true}, true
		}
	}
	if c, ok := e.(*ast.CallExpr); ok {
		if tv, ok := j.info.Types[c.Fun]; ok && tv.IsValue() && j.staticCallee(c) == nil && isSignature(tv.Type) {
			return j.valueCallSites(c, seen)
		}
	}
	if v := j.varOf(e); v != nil {
		return j.sites(v, seen)
	}
	return nil, false
}

func isSignature(t types.Type) bool {
	_, ok := t.Underlying().(*types.Signature)
	return ok
}

// valueCallSites lists what a call through a function value may return:
// the returns of every function literal and declared function the value
// may hold, and a value from outside for a function from outside.
func (j *Package) valueCallSites(c *ast.CallExpr, seen map[*types.Var]bool) (map[ast.Expr]bool, bool) {
	if _, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok {
		if s := j.info.Selections[ast.Unparen(c.Fun).(*ast.SelectorExpr)]; s != nil && s.Kind() != types.FieldVal {
			return nil, false // a method value or an interface method: not listed here
		}
	}
	// A fresh seen: the callee's values choose which bodies to read, they
	// are not merged into the answer.
	fns, ok := j.exprSites(c.Fun, map[*types.Var]bool{})
	if !ok {
		return nil, false
	}
	out := make(map[ast.Expr]bool)
	for f := range fns {
		var m map[ast.Expr]bool
		switch f := f.(type) {
		case *ast.FuncLit:
			if j.visitingLit[f] {
				continue
			}
			j.visitingLit[f] = true
			m, ok = j.bodyReturns(f.Body, seen)
			delete(j.visitingLit, f)
		case *ast.Ident:
			fn := j.info.Defs[f]
			if fn == nil || j.visiting[fn] || j.bodies[fn] == nil || j.bodies[fn].Body == nil {
				return nil, false
			}
			m, ok = j.returnSites(fn, seen)
		case *ast.BadExpr:
			m, ok = map[ast.Expr]bool{j.external: true}, true
		default:
			return nil, false // nil or a value the judge cannot call
		}
		if !ok {
			return nil, false
		}
		for k := range m {
			out[k] = true
		}
	}
	return out, true
}

// sameType reports whether an operand of type t may be the waited object
// of type w: identical channel element types, or identical sync types.
func sameType(t, w types.Type) bool {
	if t == nil || w == nil {
		return true // untyped: the judge cannot rule it out
	}
	if tc, ok := t.Underlying().(*types.Chan); ok {
		wc, ok := w.Underlying().(*types.Chan)
		return ok && types.Identical(tc.Elem(), wc.Elem())
	}
	deref := func(t types.Type) types.Type {
		if p, ok := t.(*types.Pointer); ok {
			return p.Elem()
		}
		return t
	}
	return types.Identical(deref(t), deref(w))
}

// at returns the ops of a kind on a line.
func (j *Package) at(file string, line int, kinds ...string) []jop {
	var out []jop
	for _, o := range j.ops {
		if o.file == file && o.line == line {
			for _, k := range kinds {
				if o.kind == k {
					out = append(out, o)
				}
			}
		}
	}
	return out
}

// waitKinds are the ops a Facts.Op blocks in, and releases the kinds that
// release it.
var waitKinds = map[string][]string{"send": {"send"}, "receive": {"receive", "range"}, "lock": {"lock"},
	"rlock": {"rlock"}, "wait": {"wait"}, "cond": {"wait"}, "once": {"do"}}
var releaseKinds = map[string][]string{"send": {"receive", "range"}, "receive": {"send", "close"},
	"lock": {"unlock", "runlock"}, "rlock": {"unlock"}, "wait": {"done", "add"}, "cond": {"signal", "broadcast"}}

// Verdict is what the judge concluded of one group's facts.
type Verdict struct {
	// Contradicted are the claims the source contradicts.
	Contradicted []string
	// Confirmed counts the partner statements (partners, select partners)
	// the judge found at their line acting on a value not provably other.
	Confirmed int
	// ProvedNone reports that the diagnosis names nothing that releases
	// the waited value and the judge proved it: every releasing operation
	// of the package acts on another value, the value is made in the
	// package (not a timer's or another package's channel) and never
	// handed to a function of another package.
	ProvedNone bool
}

// Judge re-derives the facts of g, a group of r, from the source and says
// which it contradicts and which partners it confirms.
func Judge(t testing.TB, r *report.Report, g *report.Group) (v Verdict) {
	f := g.Diagnosis.Facts
	if !g.Diagnosis.FromSource || g.Block.File == "" {
		return v
	}
	j := Load(t, g.Block.File)
	if j == nil {
		return v
	}
	var out []string
	defer func() { v.Contradicted = out }()
	// The waited operand at the blocking line.
	var wait *jop
	for _, o := range j.at(g.Block.File, g.Block.Line, waitKinds[f.Op]...) {
		if f.Object == "" || types.ExprString(o.operand) == f.Object {
			wait = &o
			break
		}
	}
	if f.Object != "" && wait == nil {
		out = append(out, fmt.Sprintf("says it waits (%s) on %s at line %d, but no such operation is there", f.Op, f.Object, g.Block.Line))
		return v
	}
	if f.Make != nil && wait != nil {
		found := false
		for _, m := range j.makes {
			if m.file != f.Make.File || m.line != f.Make.Line {
				continue
			}
			found = true
			if !sameType(j.info.TypeOf(m.call), wait.typ) {
				out = append(out, fmt.Sprintf("says %s is made at %s:%d, but that make is of another type", f.Object, filepath.Base(m.file), m.line))
			}
			if got := bufferOf(j.info, m.call); got != f.Buffer && !(got != "" && f.Buffer != "" && constEqual(j.info, m.call, f.Buffer)) {
				out = append(out, fmt.Sprintf("says buffer %q, but the make at line %d has %q", f.Buffer, m.line, got))
			}
			if sites, ok := j.exprSites(wait.operand, map[*types.Var]bool{}); ok && !sites[m.call] {
				out = append(out, fmt.Sprintf("says %s is made at %s:%d, but its value never comes from that make", f.Object, filepath.Base(m.file), m.line))
			}
		}
		if !found {
			out = append(out, fmt.Sprintf("says %s is made at %s:%d, but no make is assigned there", f.Object, filepath.Base(f.Make.File), f.Make.Line))
		}
	}
	// A bare wait on a context's Done: the receive at the blocking line.
	ctxWait := wait
	if ctxWait == nil && f.Op == "" {
		for _, o := range j.at(g.Block.File, g.Block.Line, "receive") {
			if doneOf(o.operand) != nil {
				ctxWait = &o
				break
			}
		}
	}
	partner := func(what string, p report.SourceRef, w *jop) {
		if p.File != g.Block.File && filepath.Dir(p.File) != filepath.Dir(g.Block.File) {
			return // another package: not loaded by the judge
		}
		if p.Kind == "cancel" {
			// A call of a cancel function: it must cancel the context
			// whose Done the goroutine waits on, or one it derives from.
			var x ast.Expr
			if w != nil {
				x = doneOf(w.operand)
			}
			ok := false
			for _, o := range j.at(p.File, p.Line, "cancel") {
				if x != nil && j.mayCancel(o.operand, x, 0) {
					ok = true
				}
			}
			if !ok {
				out = append(out, fmt.Sprintf("names %s cancel at %s:%d, but no cancel of that context is there", what, filepath.Base(p.File), p.Line))
			} else {
				v.Confirmed++
			}
			return
		}
		ops := j.at(p.File, p.Line, p.Kind)
		ok := false
		for _, o := range ops {
			if w == nil || sameType(o.typ, w.typ) && !j.distinctOps(&o, w) {
				ok = true
			}
		}
		if !ok {
			out = append(out, fmt.Sprintf("names %s %s at %s:%d, but no %s of that value is there", what, p.Kind, filepath.Base(p.File), p.Line, p.Kind))
		} else {
			v.Confirmed++
		}
	}
	for _, p := range f.Partners {
		if p.Kind == "cancel" {
			partner("partner", p, ctxWait)
			continue
		}
		partner("partner", p, wait)
	}
	if f.Select != nil {
		for _, c := range f.Select.Cases {
			kind := "receive"
			if c.Send {
				kind = "send"
			}
			var cw *jop
			for _, o := range j.at(g.Block.File, c.Line, kind) {
				if types.ExprString(o.operand) == c.Channel {
					cw = &o
				}
			}
			for _, p := range c.Partners {
				partner("select partner", p, cw)
			}
		}
	}
	for _, h := range f.Held {
		kind := "lock"
		if h.Read {
			kind = "rlock"
		}
		found := false
		for _, o := range j.at(h.Lock.File, h.Lock.Line, kind) {
			if types.ExprString(o.operand) == h.Mutex {
				found = true
			}
		}
		if !found {
			out = append(out, fmt.Sprintf("says it holds %s since %s:%d, but no %s of it is there", h.Mutex, filepath.Base(h.Lock.File), h.Lock.Line, kind))
			continue
		}
		// A frame holds a lock only its own function took: one taken in a
		// function literal inside it was taken, and released or not, by
		// the literal's frame. So some frame of the stack must stand in
		// the very function that locked, past the lock's line.
		if g.Stack != nil {
			fn := j.funcAt(h.Lock.File, h.Lock.Line)
			inFrame := false
			for _, fr := range g.Stack.Frames {
				if fr.File == h.Lock.File && fr.Line > h.Lock.Line && fn != nil && j.funcAt(fr.File, fr.Line) == fn {
					inFrame = true
				}
			}
			if !inFrame {
				out = append(out, fmt.Sprintf("says it holds %s since %s:%d, but no frame of its stack is in the function that took it, past that line", h.Mutex, filepath.Base(h.Lock.File), h.Lock.Line))
			}
		}
	}
	if f.Cycle > 0 && f.Cycle <= len(r.Cycles) {
		for _, e := range r.Cycles[f.Cycle-1].Edges {
			if e.Release.Kind != "lock" && e.Release.Kind != "rlock" {
				continue
			}
			var ww, rel *jop
			for _, o := range j.at(e.Wait.File, e.Wait.Line, "lock", "rlock") {
				ww = &o
			}
			for _, o := range j.at(e.Release.File, e.Release.Line, "lock", "rlock") {
				if ww == nil || rel == nil || !j.distinctOps(&o, ww) {
					rel = &o
				}
			}
			if ww != nil && (rel == nil || j.distinctOps(rel, ww)) {
				out = append(out, fmt.Sprintf("cycle: says %s:%d holds the lock %s:%d waits for, but it locks another", filepath.Base(e.Release.File), e.Release.Line, filepath.Base(e.Wait.File), e.Wait.Line))
			}
		}
	}
	// "Nothing releases it": no partner listed for a plain wait.
	if wait != nil && f.Select == nil && len(f.Partners) == 0 && f.Closer == nil && f.Cycle == 0 {
		for _, o := range j.ops {
			if o.file == wait.file && o.line == wait.line {
				continue
			}
			if !containsStr(releaseKinds[f.Op], o.kind) || !sameType(o.typ, wait.typ) || j.distinctOps(&o, wait) {
				continue
			}
			out = append(out, fmt.Sprintf("lists nothing that releases %s, but %s at %s:%d may act on it", f.Object, o.kind, filepath.Base(o.file), o.line))
			break
		}
		v.ProvedNone = len(out) == 0 && j.ownValue(wait) && !j.handedOut(wait)
	}
	return v
}

// ownValue reports whether the waited value is made in the package: a
// channel whose every allocation site the judge lists, none from outside,
// or a sync primitive (which only its methods release).
func (j *Package) ownValue(w *jop) bool {
	if _, isChan := under(w.typ).(*types.Chan); !isChan {
		return w.obj != nil
	}
	sites, ok := j.exprSites(w.operand, map[*types.Var]bool{})
	return ok && len(sites) > 0 && !sites[j.external]
}

// handedOut reports whether the waited value may be passed to a function
// of another package, which could release it unseen.
func (j *Package) handedOut(w *jop) bool {
	for callee, cs := range j.calls {
		if callee.Pkg() == nil || callee.Pkg() == j.pkg {
			continue
		}
		for _, c := range cs {
			for _, a := range c.Args {
				t := j.info.TypeOf(a)
				if t == nil || !sameType(t, w.typ) {
					continue
				}
				if !j.distinctOps(&jop{operand: a, typ: t, obj: j.varOf(a)}, w) {
					return true
				}
			}
		}
	}
	return false
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// bufferOf is the buffer text of a make, "" for unbuffered.
func bufferOf(info *types.Info, c *ast.CallExpr) string {
	if len(c.Args) < 2 {
		return ""
	}
	if tv := info.Types[c.Args[1]]; tv.Value != nil && constant.Sign(tv.Value) == 0 {
		return ""
	}
	return types.ExprString(c.Args[1])
}

// constEqual reports whether the make's size is the constant text says.
func constEqual(info *types.Info, c *ast.CallExpr, text string) bool {
	tv := info.Types[c.Args[1]]
	return tv.Value != nil && tv.Value.ExactString() == text
}

// MayCancelAt reports whether the one cancel call at file:cancelLine may
// cancel the context whose Done the one receive at file:waitLine waits on;
// ok is false when there is not exactly one of each there.
func (j *Package) MayCancelAt(file string, cancelLine, waitLine int) (may, ok bool) {
	wait := j.at(file, waitLine, "receive")
	cancels := j.at(file, cancelLine, "cancel")
	if len(wait) != 1 || len(cancels) != 1 {
		return false, false
	}
	return j.mayCancel(cancels[0].operand, doneOf(wait[0].operand), 0), true
}
