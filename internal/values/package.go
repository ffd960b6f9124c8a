package values

import (
	"bytes"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// Package is one type-checked package with the value facts drawn from it.
type Package struct {
	// Path is the import path; Dir the directory of its files.
	Path, Dir string
	// Fset positions Files.
	Fset *token.FileSet
	// Files are the parsed files, test files included.
	Files []*ast.File
	// Types and Info are go/types' results.
	Types *types.Package
	Info  *types.Info
	// Errors are the type errors met; what they touch stays untyped.
	Errors []error

	src   map[string][]byte
	spans map[span]string // value key of the expression at a span
	edges [][2]string     // pairs of keys that hold the same value
	// calls are the edges through a callee's parameters and results,
	// which hold only when the callee's package is loaded too: a call
	// into a package without source joins nothing.
	calls  []callEdge
	makes  map[string]Make // make sites by their key
	params map[*types.Var]string
	// dyn are the calls through a function value, bound to the functions
	// that value may hold once the union knows them.
	dyn []dynCall
	// carriers caches which interface types a followed type of the
	// package implements (see carrier).
	carriers map[types.Type]bool
	// impls are the package's named types, candidates of an interface
	// call's dynamic dispatch.
	impls []*types.Named
	// dispatched caches dispatch's answer per interface and method.
	dispatched map[dispatchKey][]*types.Func
	// derived are the contexts made by context.WithCancel and its
	// kin, with their cancel functions and parents.
	derived []derivation
	// valueCalls are the calls through a function value, by the value's
	// key, where they are.
	valueCalls []Call
	// versions are the variables a context.With… call assigns a derived
	// context to (ctx, cancel := context.WithCancel(ctx)): a read of the
	// variable after that statement is the derived context, one before is
	// what the variable held.
	versions map[*types.Var][]version
}

// version is a derived context assigned to a variable by the statement
// ending at end.
type version struct {
	end token.Pos
	key string
}

type dispatchKey struct {
	iface types.Type
	name  string
}

// derivation is ctx, cancel := context.WithCancel(parent) (or WithTimeout,
// WithDeadline, their Cause forms, or WithValue and kin with no cancel).
type derivation struct{ ctx, cancel, parent string }

// Call is a call through a function value: Key is the value's key, File
// and Line where the call is.
type Call struct {
	Key  string
	File string
	Line int
}

// Make is a make(chan T, n) site.
type Make struct {
	// File and Line place the make call.
	File string
	Line int
	// Buffer is the size expression's text, "" when unbuffered.
	Buffer string
}

// callEdge joins a and b when package pkg is in the union.
type callEdge struct{ a, b, pkg string }

// dynCall is a call through a function value: fun is the value's key,
// args the keys of its arguments and results the keys its results feed
// ("" where one is not followed). The union joins them with the
// parameters and results of every function literal and function of a
// loaded package in fun's class.
type dynCall struct {
	fun     string
	args    []string
	results []string
}

type span struct {
	file     string
	off, end int
}

// Same reports whether src is the text of the package's file path, so
// positions computed from src are this package's positions.
func (p *Package) Same(path string, src []byte) bool {
	s, ok := p.src[path]
	return ok && bytes.Equal(s, src)
}

// ValueAt returns the value key of the expression of file path that spans
// the byte offsets [off, end), "" when the expression is not a tracked
// value (a channel, a sync primitive, a context or a cancel function) or
// not in the package.
func (p *Package) ValueAt(path string, off, end int) string {
	return p.spans[span{path, off, end}]
}

// tracked reports whether values of type t are followed: channels, the
// sync primitives, contexts, cancel functions, and containers of them.
func tracked(t types.Type) bool {
	for range 4 {
		if t == nil {
			return false
		}
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := t.(*types.Named); ok && n.Obj().Pkg() != nil {
			switch n.Obj().Pkg().Path() + "." + n.Obj().Name() {
			case "sync.Mutex", "sync.RWMutex", "sync.WaitGroup", "sync.Cond", "sync.Once", "sync.Locker",
				"context.Context", "context.CancelFunc", "context.CancelCauseFunc":
				return true
			}
		}
		switch u := t.Underlying().(type) {
		case *types.Chan:
			return true
		case *types.Signature:
			// Every function value: a cancel function is one, and a
			// function literal called through a variable binds its
			// parameters to that call's arguments.
			return true
		case *types.Slice:
			t = u.Elem()
		case *types.Array:
			t = u.Elem()
		case *types.Map:
			t = u.Elem()
		default:
			return false
		}
	}
	return false
}

// follows reports whether values of type t are followed in this
// package: tracked, or an interface that a followed named type of the
// package implements (chanOutput converted to Output), whose values may
// hold one.
func (p *Package) follows(t types.Type) bool {
	if tracked(t) {
		return true
	}
	if t == nil || !types.IsInterface(t) {
		return false
	}
	if c, ok := p.carriers[t]; ok {
		return c
	}
	c := false
	if it, ok := t.Underlying().(*types.Interface); ok && it.NumMethods() > 0 {
		for _, n := range p.impls {
			if tracked(n) && n.NumMethods() > 0 && types.Implements(n, it) {
				c = true
				break
			}
		}
	}
	if p.carriers == nil {
		p.carriers = make(map[types.Type]bool)
	}
	p.carriers[t] = c
	return c
}

// index walks the package once: the key of every tracked expression, the
// assignments, calls and returns that make two keys one value, and the
// make sites.
func (p *Package) index() {
	p.spans = make(map[span]string)
	p.makes = make(map[string]Make)
	p.params = make(map[*types.Var]string)
	if p.Types != nil {
		for _, name := range p.Types.Scope().Names() {
			if tn, ok := p.Types.Scope().Lookup(name).(*types.TypeName); ok && !tn.IsAlias() {
				if n, ok := tn.Type().(*types.Named); ok && !types.IsInterface(n) {
					p.impls = append(p.impls, n)
				}
			}
		}
	}
	for _, f := range p.Files {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if fn, ok := p.Info.Defs[fd.Name].(*types.Func); ok {
					p.signature(fn.Type().(*types.Signature), "p:"+fn.Origin().FullName(), "r:"+fn.Origin().FullName())
				}
			}
		}
	}
	p.versions = make(map[*types.Var][]version)
	for _, f := range p.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
				return true
			}
			c, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
			if !ok || p.contextFunc(c) == "" {
				return true
			}
			if id, ok := as.Lhs[0].(*ast.Ident); ok {
				if v, ok := p.Info.ObjectOf(id).(*types.Var); ok && !v.IsField() {
					p.versions[v] = append(p.versions[v], version{end: as.End(), key: "der:" + p.posKey(as.Pos())})
				}
			}
			return true
		})
	}
	for _, f := range p.Files {
		var fns []string // result key prefixes of the enclosing functions
		var walk func(n ast.Node) bool
		walk = func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				prefix := ""
				if fn, ok := p.Info.Defs[n.Name].(*types.Func); ok {
					prefix = "r:" + fn.Origin().FullName()
				}
				if n.Body != nil {
					fns = append(fns, prefix)
					ast.Inspect(n.Body, walk)
					fns = fns[:len(fns)-1]
				}
				return false
			case *ast.FuncLit:
				id := "lit:" + p.posKey(n.Pos())
				if sig, ok := p.Info.TypeOf(n).(*types.Signature); ok {
					p.signature(sig, "p:"+id, "r:"+id)
				}
				fns = append(fns, "r:"+id)
				ast.Inspect(n.Body, walk)
				fns = fns[:len(fns)-1]
				return false
			case *ast.AssignStmt:
				p.assign(n.Lhs, n.Rhs)
			case *ast.ValueSpec:
				lhs := make([]ast.Expr, len(n.Names))
				for i, id := range n.Names {
					lhs[i] = id
				}
				p.assign(lhs, n.Values)
			case *ast.ReturnStmt:
				if len(fns) > 0 && fns[len(fns)-1] != "" {
					for i, r := range n.Results {
						p.edge(p.key(r), fns[len(fns)-1]+"#"+strconv.Itoa(i))
					}
				}
			case *ast.SendStmt:
				if k := p.key(n.Chan); k != "" {
					p.edge(p.key(n.Value), "e:"+k)
				}
			case *ast.RangeStmt:
				if k := p.key(n.X); k != "" {
					v := n.Value
					if _, isChan := p.Info.TypeOf(n.X).Underlying().(*types.Chan); isChan {
						v = n.Key
					}
					if v != nil {
						p.edge(p.key(v), "e:"+k)
					}
				}
			case *ast.CompositeLit:
				p.composite(n)
			case *ast.CallExpr:
				p.call(n)
			case *ast.SelectorExpr:
				p.promoted(n)
			}
			if e, ok := n.(ast.Expr); ok {
				// A function's name is no value anyone asks about: only
				// the edges need its key.
				if k := p.key(e); k != "" && !strings.HasPrefix(k, "fn:") {
					p.spans[p.spanOf(e)] = k
				}
			}
			return true
		}
		ast.Inspect(f, walk)
	}
}

// signature keys the parameters and results of a function.
func (p *Package) signature(sig *types.Signature, params, results string) {
	if sig.Recv() != nil {
		p.params[sig.Recv()] = params + "#recv"
	}
	for i := range sig.Params().Len() {
		p.params[sig.Params().At(i)] = params + "#" + strconv.Itoa(i)
	}
	for i := range sig.Results().Len() {
		p.params[sig.Results().At(i)] = results + "#" + strconv.Itoa(i)
	}
}

func (p *Package) posKey(pos token.Pos) string {
	ps := p.Fset.Position(pos)
	return ps.Filename + ":" + strconv.Itoa(ps.Offset)
}

func (p *Package) spanOf(e ast.Expr) span {
	tf := p.Fset.File(e.Pos())
	return span{tf.Name(), tf.Offset(e.Pos()), tf.Offset(e.End())}
}

func (p *Package) edge(a, b string) {
	if a != "" && b != "" && a != b {
		p.edges = append(p.edges, [2]string{a, b})
	}
}

func (p *Package) assign(lhs, rhs []ast.Expr) {
	switch {
	case len(lhs) == len(rhs):
		for i := range lhs {
			p.edge(p.key(lhs[i]), p.key(rhs[i]))
		}
	case len(rhs) == 1:
		// a, b := f(): each to the callee's result.
		c, ok := ast.Unparen(rhs[0]).(*ast.CallExpr)
		if !ok {
			return
		}
		if name := p.contextFunc(c); name != "" && len(lhs) == 2 && len(c.Args) > 0 {
			ctx := p.key(lhs[0])
			if id, ok := lhs[0].(*ast.Ident); ok {
				if v, ok := p.Info.ObjectOf(id).(*types.Var); ok && len(p.versions[v]) > 0 {
					ctx = "der:" + p.posKey(lhs[0].Pos()) // this statement's own version
				}
			}
			p.derived = append(p.derived, derivation{ctx: ctx, cancel: p.key(lhs[1]), parent: p.key(c.Args[0])})
			return
		}
		if fn, pkg := p.callee(c); fn != "" {
			for i := range lhs {
				p.callEdge(p.key(lhs[i]), "r:"+fn+"#"+strconv.Itoa(i), pkg)
			}
			return
		}
		for _, fn := range p.dispatch(c) {
			for i := range lhs {
				p.callEdge(p.key(lhs[i]), "r:"+fn.Origin().FullName()+"#"+strconv.Itoa(i), fn.Pkg().Path())
			}
		}
		if fv := p.funcValue(c); fv != "" {
			d := dynCall{fun: fv}
			for _, l := range lhs {
				d.results = append(d.results, p.key(l))
			}
			p.dyn = append(p.dyn, d)
		}
	}
}

// versionAt returns the key of the derived context variable o holds at
// pos: the last context.With… assignment to it that ends before pos, ""
// when none does (o holds what it was given). Source order stands for
// execution order; a read earlier in a loop that derives again is not told
// apart.
func (p *Package) versionAt(o types.Object, pos token.Pos) string {
	v, ok := o.(*types.Var)
	if !ok {
		return ""
	}
	k := ""
	for _, ver := range p.versions[v] {
		if ver.end < pos {
			k = ver.key
		}
	}
	return k
}

// contextFunc returns the name of the context package's function a call
// calls ("WithCancel"), "" for any other call.
func (p *Package) contextFunc(c *ast.CallExpr) string {
	se, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	fn, ok := p.Info.Uses[se.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "context" || !strings.HasPrefix(fn.Name(), "With") {
		return ""
	}
	return fn.Name()
}

// dispatch returns the methods an interface method call may run: the
// method of that name of every named type of the package that implements
// the interface (a flow-insensitive approximation: whether a value of the
// type is ever converted to the interface is not asked). Nil when the
// call is not an interface method call.
func (p *Package) dispatch(c *ast.CallExpr) []*types.Func {
	se, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	sel := p.Info.Selections[se]
	if sel == nil || sel.Kind() != types.MethodVal || !types.IsInterface(sel.Recv()) {
		return nil
	}
	it, ok := sel.Recv().Underlying().(*types.Interface)
	if !ok {
		return nil
	}
	dk := dispatchKey{sel.Recv(), sel.Obj().Name()}
	if fns, ok := p.dispatched[dk]; ok {
		return fns
	}
	if p.dispatched == nil {
		p.dispatched = make(map[dispatchKey][]*types.Func)
	}
	var out []*types.Func
	defer func() { p.dispatched[dk] = out }()
	for _, n := range p.impls {
		var t types.Type = n
		if !types.Implements(t, it) {
			t = types.NewPointer(n)
			if !types.Implements(t, it) {
				continue
			}
		}
		obj, _, _ := types.LookupFieldOrMethod(t, false, sel.Obj().Pkg(), sel.Obj().Name())
		if fn, ok := obj.(*types.Func); ok && fn.Pkg() != nil {
			out = append(out, fn)
		}
	}
	return out
}

// funcValue returns the key of the function value a call calls (a
// variable, parameter or field of function type), "" for a static call,
// an interface call or a value not followed.
func (p *Package) funcValue(c *ast.CallExpr) string {
	if fn, _ := p.callee(c); fn != "" {
		return ""
	}
	if tv, ok := p.Info.Types[c.Fun]; !ok || !tv.IsValue() {
		return ""
	}
	if se, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok {
		if sel := p.Info.Selections[se]; sel != nil && sel.Kind() != types.FieldVal {
			return ""
		}
	}
	if _, ok := p.Info.TypeOf(c.Fun).Underlying().(*types.Signature); !ok {
		return ""
	}
	return p.key(c.Fun)
}

// callee returns the key of a call's static callee ("pkg.F", "(*pkg.T).M",
// "lit:…" for a literal called in place), "" when the call is dynamic.
func (p *Package) callee(c *ast.CallExpr) (key, pkg string) {
	var fn *types.Func
	switch fun := ast.Unparen(c.Fun).(type) {
	case *ast.FuncLit:
		return "lit:" + p.posKey(fun.Pos()), p.Path
	case *ast.Ident:
		fn, _ = p.Info.Uses[fun].(*types.Func)
	case *ast.IndexExpr: // a generic function instantiated explicitly
		if id, ok := fun.X.(*ast.Ident); ok {
			fn, _ = p.Info.Uses[id].(*types.Func)
		}
	case *ast.SelectorExpr:
		if sel := p.Info.Selections[fun]; sel != nil {
			if sel.Kind() == types.MethodVal && !types.IsInterface(sel.Recv()) {
				fn, _ = sel.Obj().(*types.Func)
			}
		} else {
			fn, _ = p.Info.Uses[fun.Sel].(*types.Func)
		}
	}
	if fn == nil || fn.Pkg() == nil {
		return "", ""
	}
	return fn.Origin().FullName(), fn.Pkg().Path()
}

// callEdge records that a and b hold one value when pkg is loaded.
func (p *Package) callEdge(a, b, pkg string) {
	if a != "" && b != "" {
		p.calls = append(p.calls, callEdge{a, b, pkg})
	}
}

// call joins the arguments of a static call with the callee's parameters,
// and append's elements with its slice.
func (p *Package) call(c *ast.CallExpr) {
	if id, ok := ast.Unparen(c.Fun).(*ast.Ident); ok {
		if _, builtin := p.Info.Uses[id].(*types.Builtin); builtin {
			if id.Name == "append" && len(c.Args) > 1 {
				if k := p.key(c.Args[0]); k != "" {
					for _, a := range c.Args[1:] {
						p.edge(p.key(a), "e:"+k)
					}
				}
			}
			return
		}
	}
	sig, _ := p.Info.TypeOf(c.Fun).(*types.Signature)
	bind := func(fn, pkg string) {
		p.callEdge(p.key(c), "r:"+fn+"#0", pkg)
		for i, a := range c.Args {
			if sig != nil && sig.Variadic() && i >= sig.Params().Len()-1 {
				break
			}
			p.callEdge(p.key(a), "p:"+fn+"#"+strconv.Itoa(i), pkg)
		}
		// The receiver of a method call is the method's receiver (a
		// named channel type with methods: out.WriteProgress(p)).
		if se, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok {
			if s := p.Info.Selections[se]; s != nil && s.Kind() == types.MethodVal {
				p.callEdge(p.key(se.X), "p:"+fn+"#recv", pkg)
			}
		}
	}
	if fn, pkg := p.callee(c); fn != "" {
		bind(fn, pkg)
		return
	}
	for _, fn := range p.dispatch(c) {
		bind(fn.Origin().FullName(), fn.Pkg().Path())
	}
	if name := p.contextFunc(c); name != "" && len(c.Args) > 0 {
		// ctx := context.WithValue(parent, …): cancelled with its parent.
		p.derived = append(p.derived, derivation{ctx: p.key(c), parent: p.key(c.Args[0])})
	}
	if fv := p.funcValue(c); fv != "" {
		ps := p.Fset.Position(c.Pos())
		p.valueCalls = append(p.valueCalls, Call{Key: fv, File: ps.Filename, Line: ps.Line})
		d := dynCall{fun: fv, results: []string{p.key(c)}}
		for i, a := range c.Args {
			if sig != nil && sig.Variadic() && i >= sig.Params().Len()-1 {
				break
			}
			d.args = append(d.args, p.key(a))
		}
		p.dyn = append(p.dyn, d)
	}
}

// composite joins a struct literal's field values with the fields, and a
// slice or map literal's elements with its elements.
func (p *Package) composite(cl *ast.CompositeLit) {
	t := p.Info.TypeOf(cl)
	if t == nil {
		return
	}
	under := t
	if ptr, ok := under.(*types.Pointer); ok {
		under = ptr.Elem()
	}
	switch u := under.Underlying().(type) {
	case *types.Struct:
		for i, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok {
					for j := range u.NumFields() {
						if u.Field(j).Name() == id.Name && !std(u.Field(j).Pkg().Path()) {
							p.edge(p.key(kv.Value), "f:"+owner(under)+"."+id.Name)
						}
					}
				}
			} else if i < u.NumFields() && !std(u.Field(i).Pkg().Path()) {
				p.edge(p.key(el), "f:"+owner(under)+"."+u.Field(i).Name())
			}
		}
	case *types.Slice, *types.Array, *types.Map:
		k := p.key(cl)
		for _, el := range cl.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok {
				el = kv.Value
			}
			if k != "" {
				p.edge(p.key(el), "e:"+k)
			}
		}
	}
}

// promoted keys the receiver of a call of a method promoted from an
// embedded field (s.Lock() on a struct embedding sync.Mutex) as that
// field, so the ops on s are the ops on s.Mutex.
func (p *Package) promoted(se *ast.SelectorExpr) {
	sel := p.Info.Selections[se]
	if sel == nil || sel.Kind() != types.MethodVal || len(sel.Index()) < 2 {
		return
	}
	if k := fieldKey(sel.Recv(), sel.Index()[:len(sel.Index())-1]); k != "" {
		p.spans[p.spanOf(se.X)] = k
	}
}

// key returns the value key of e, "" when e is not a tracked value or
// the analysis does not follow it.
func (p *Package) key(e ast.Expr) string {
	if e == nil {
		return ""
	}
	e = ast.Unparen(e)
	t := p.Info.TypeOf(e)
	if !p.follows(t) {
		return ""
	}
	switch e := e.(type) {
	case *ast.FuncLit:
		return "lit:" + p.posKey(e.Pos())
	case *ast.Ident:
		if fn, ok := p.Info.Uses[e].(*types.Func); ok {
			return funcKey(fn) // a function used as a value
		}
		if k := p.versionAt(p.Info.ObjectOf(e), e.Pos()); k != "" {
			return k
		}
		return p.objKey(p.Info.ObjectOf(e))
	case *ast.SelectorExpr:
		if sel := p.Info.Selections[e]; sel != nil {
			if sel.Kind() == types.FieldVal {
				return fieldKey(sel.Recv(), sel.Index())
			}
			return ""
		}
		if fn, ok := p.Info.Uses[e.Sel].(*types.Func); ok {
			return funcKey(fn) // pkg.F used as a value
		}
		return p.objKey(p.Info.Uses[e.Sel]) // pkg.Var
	case *ast.StarExpr:
		return p.key(e.X)
	case *ast.UnaryExpr:
		switch e.Op {
		case token.AND:
			return p.key(e.X)
		case token.ARROW:
			if k := p.key(e.X); k != "" {
				return "e:" + k
			}
		}
	case *ast.IndexExpr:
		if tv, ok := p.Info.Types[e.X]; ok && tv.IsValue() {
			if k := p.key(e.X); k != "" {
				return "e:" + k
			}
		}
	case *ast.TypeAssertExpr:
		return p.key(e.X)
	case *ast.CompositeLit:
		return "lit:" + p.posKey(e.Pos())
	case *ast.CallExpr:
		if tv, ok := p.Info.Types[e.Fun]; ok && tv.IsType() && len(e.Args) == 1 {
			return p.key(e.Args[0]) // a conversion
		}
		if id, ok := ast.Unparen(e.Fun).(*ast.Ident); ok {
			if _, builtin := p.Info.Uses[id].(*types.Builtin); builtin {
				switch id.Name {
				case "make":
					k := "make:" + p.posKey(e.Pos())
					if _, ok := t.Underlying().(*types.Chan); ok {
						ps := p.Fset.Position(e.Pos())
						m := Make{File: ps.Filename, Line: ps.Line}
						if len(e.Args) > 1 {
							if tv := p.Info.Types[e.Args[1]]; tv.Value == nil || tv.Value.String() != "0" {
								m.Buffer = types.ExprString(e.Args[1])
							}
						}
						p.makes[k] = m
					}
					return k
				case "new":
					return "new:" + p.posKey(e.Pos())
				case "append":
					if len(e.Args) > 0 {
						return p.key(e.Args[0])
					}
				}
				return ""
			}
		}
		if fn, _ := p.callee(e); fn != "" || len(p.dispatch(e)) > 0 || p.funcValue(e) != "" {
			// One value per call site: calls join their callee's result
			// only through the union, when its package is loaded.
			return "call:" + p.posKey(e.Pos())
		}
	}
	return ""
}

// funcKey keys a function used as a value, "" for one of the standard
// library (no source is loaded for it, so a call through a value holding
// it binds nothing).
func funcKey(fn *types.Func) string {
	if fn.Pkg() == nil || std(fn.Pkg().Path()) {
		return ""
	}
	return "fn:" + fn.Origin().FullName()
}

// objKey keys a variable: a parameter or result by its function and
// index, a package-level variable by its path, a local by its position.
func (p *Package) objKey(o types.Object) string {
	v, ok := o.(*types.Var)
	if !ok {
		return ""
	}
	if k, ok := p.params[v]; ok {
		return k
	}
	if v.Pkg() != nil && v.Parent() == v.Pkg().Scope() {
		return "g:" + v.Pkg().Path() + "." + v.Name()
	}
	if v.IsField() {
		return "" // a field named by an identifier: keyed where its owner is known
	}
	return "v:" + p.posKey(v.Pos())
}

// fieldKey keys the field reached from recv through the embedding path
// index: that field of the struct type that declares it.
func fieldKey(recv types.Type, index []int) string {
	t := recv
	for i, idx := range index {
		d := t
		if ptr, ok := d.(*types.Pointer); ok {
			d = ptr.Elem()
		}
		s, ok := d.Underlying().(*types.Struct)
		if !ok || idx >= s.NumFields() {
			return ""
		}
		f := s.Field(idx)
		if i == len(index)-1 {
			if f.Pkg() != nil && std(f.Pkg().Path()) {
				// A field of a standard library type (sync.Cond.L) is one
				// value per instance, not one for the whole program: not
				// followed.
				return ""
			}
			return "f:" + owner(d) + "." + f.Name()
		}
		t = f.Type()
	}
	return ""
}

// std reports whether an import path is the standard library's: no dot
// in its first element.
func std(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && path != "main" && !strings.HasPrefix(path, "command-line")
}

// owner names a struct type the same way from source and from export
// data: "path.T" for a named type, its text for a literal.
func owner(t types.Type) string {
	if n, ok := t.(*types.Named); ok {
		o := n.Origin().Obj()
		if o.Pkg() != nil {
			return o.Pkg().Path() + "." + o.Name()
		}
		return o.Name()
	}
	return types.TypeString(t, nil)
}
