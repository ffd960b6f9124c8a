package explain

import (
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/values"
	"github.com/leakhound/leakhound/report"
)

// This file indexes, per package directory, every statement that can
// release a blocked goroutine — channel sends, receives and closes, mutex
// unlocks, WaitGroup Dones, Cond signals, cancel calls — by the object it
// acts on, so the diagnosis can name the partner of a wait.

// opKind is what a statement does to the object it acts on.
type opKind uint8

const (
	opSend opKind = iota + 1
	opRecv
	opRange
	opClose
	opLock
	opRLock
	opUnlock
	opRUnlock
	opDone
	opAdd
	opSignal
	opBroadcast
)

// opNames are the words SourceRef.Kind uses, one per opKind.
var opNames = [...]string{
	opSend: "send", opRecv: "receive", opRange: "range", opClose: "close", opLock: "lock", opRLock: "rlock",
	opUnlock: "unlock", opRUnlock: "runlock", opDone: "done", opAdd: "add", opSignal: "signal",
	opBroadcast: "broadcast",
}

func (k opKind) String() string { return opNames[k] }

// methodOps maps the method names the index records to their kind.
var methodOps = map[string]opKind{
	"Lock": opLock, "RLock": opRLock, "Unlock": opUnlock, "RUnlock": opRUnlock,
	"Done": opDone, "Add": opAdd, "Signal": opSignal, "Broadcast": opBroadcast,
}

// objKey identifies what a statement acts on, as far as the syntax tells:
// a field of a receiver type ("batchSpanProcessor".stopCh), a field of
// something else (".stopCh", type unknown), a package-level variable, or a
// variable local to one top-level function.
type objKey struct {
	typ   string        // receiver type of a field, "" when unknown
	name  string        // field or variable name
	local *ast.FuncDecl // for locals: the top-level function; nil otherwise
	field bool
	// val is the value's key in the alias union u when the file was
	// type-checked: then two keys match exactly when their values may be
	// one, whatever their names.
	val string
	u   *values.Union
}

// matches reports whether two keys may name the same object. Fields match
// by name when either side's type is unknown; exact reports whether the
// match did not need that leniency.
func (k objKey) matches(o objKey) (ok, exact bool) {
	if k.val != "" && o.val != "" && k.u == o.u {
		same := k.u.Same(k.val, o.val)
		return same, same
	}
	if k.name != o.name || k.field != o.field || k.local != o.local {
		return false, false
	}
	if k.typ == o.typ {
		// Two fields of unknown type only share a name.
		return true, k.typ != "" || !k.field
	}
	if k.typ == "" || o.typ == "" {
		return true, false
	}
	return false, false
}

// srcOp is one indexed statement.
type srcOp struct {
	kind     opKind
	key      objKey
	text     string // the object's text ("bsp.stopCh")
	file     *srcFile
	line     int
	decl     *ast.FuncDecl // top-level function around it
	fn       ast.Node      // innermost function (literal or declaration)
	deferred bool          // the call is deferred (directly or in a deferred literal)
	deferIn  ast.Node      // for deferred ops: the function whose defer runs it
	inSelect bool          // a select case, not a plain statement
}

// ref turns an op into the exported SourceRef; the path stays as read.
func (o *srcOp) ref() report.SourceRef {
	return report.SourceRef{File: o.file.path, Line: o.line, Func: funcName(o.decl, o.fn), Text: o.file.line(o.line),
		Kind: o.kind.String()}
}

// pkgOps is the index of one package directory.
type pkgOps struct {
	byName map[string][]*srcOp
	byVal  map[string][]*srcOp // the ops of typed files, by value key
	decls  []declInFile        // every method and function, for closer lookups
	pkgVar map[string]bool
	// typeErr says why the directory has no types; nil when it has them.
	typeErr error
}

type declInFile struct {
	file *srcFile
	decl *ast.FuncDecl
}

// dirOps returns the index of the package directory holding path, built
// once per report.
func (c *sourceCache) dirOps(path string) *pkgOps {
	if c == nil || path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	if p, ok := c.dirs[dir]; ok {
		return p
	}
	if c.dirs == nil {
		c.dirs = make(map[string]*pkgOps)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		c.dirs[dir] = nil
		return nil
	}
	p := &pkgOps{byName: make(map[string][]*srcOp), byVal: make(map[string][]*srcOp), pkgVar: make(map[string]bool)}
	var files []*srcFile
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		if f := c.file(filepath.Join(dir, e.Name())); f != nil {
			files = append(files, f)
			for _, d := range f.ast.Decls {
				if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
					for _, s := range gd.Specs {
						for _, id := range s.(*ast.ValueSpec).Names {
							p.pkgVar[id.Name] = true
						}
					}
				}
			}
		}
	}
	p.typeErr = c.typeDir(dir, files)
	for _, f := range files {
		p.index(f)
	}
	c.dirs[dir] = p
	return p
}

// index records f's statements.
func (p *pkgOps) index(f *srcFile) {
	for _, d := range f.ast.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		p.decls = append(p.decls, declInFile{f, fd})
		p.walk(f, fd, fd, fd.Body, nil)
	}
}

func (p *pkgOps) add(f *srcFile, decl *ast.FuncDecl, fn ast.Node, kind opKind, x ast.Expr, pos token.Pos, deferIn ast.Node, inSelect bool) {
	k, ok := keyOf(x, decl, fn, p.pkgVar)
	if !ok {
		return
	}
	k = f.typedKey(k, x)
	o := &srcOp{kind: kind, key: k, text: types.ExprString(x), file: f,
		line: f.lineOf(pos), decl: decl, fn: fn, deferred: deferIn != nil, deferIn: deferIn, inSelect: inSelect}
	p.byName[k.name] = append(p.byName[k.name], o)
	if k.val != "" {
		p.byVal[k.val] = append(p.byVal[k.val], o)
	}
}

// typedKey adds to k, the key of x as the syntax reads it, the value key
// of x when f was type-checked.
func (f *srcFile) typedKey(k objKey, x ast.Expr) objKey {
	if v := f.valueOf(x); v != "" {
		k.val, k.u = v, f.union
	}
	return k
}

// candidates returns the ops that may act on k's object: with a value key,
// the ops on any value of its class (and the untyped ops of its name);
// without, the ops of its name.
func (p *pkgOps) candidates(k objKey) []*srcOp {
	if k.val == "" {
		return p.byName[k.name]
	}
	var out []*srcOp
	for _, m := range k.u.Members(k.val) {
		out = append(out, p.byVal[m]...)
	}
	for _, o := range p.byName[k.name] {
		if o.key.val == "" {
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b *srcOp) int {
		if a.file.path != b.file.path {
			return strings.Compare(a.file.path, b.file.path)
		}
		return a.line - b.line
	})
	return out
}

// walk indexes the statements under n, which belong to fn; deferIn is the
// function whose defer runs them, nil when they are not deferred.
func (p *pkgOps) walk(f *srcFile, decl *ast.FuncDecl, fn ast.Node, n ast.Node, deferIn ast.Node) {
	ast.Inspect(n, func(c ast.Node) bool {
		switch c := c.(type) {
		case *ast.FuncLit:
			if c != n {
				// A literal's body runs when it is called, not when this
				// function defers: it is not deferred by fn.
				p.walk(f, decl, c, c.Body, nil)
				return false
			}
		case *ast.DeferStmt:
			if lit, ok := c.Call.Fun.(*ast.FuncLit); ok {
				p.walk(f, decl, lit, lit.Body, fn)
			} else {
				p.walk(f, decl, fn, c.Call, fn)
			}
			for _, a := range c.Call.Args {
				p.walk(f, decl, fn, a, deferIn)
			}
			return false
		case *ast.SelectStmt:
			for _, st := range c.Body.List {
				cc := st.(*ast.CommClause)
				if cc.Comm != nil {
					if ch, send := commChan(cc); ch != nil {
						kind := opRecv
						if send {
							kind = opSend
						}
						p.add(f, decl, fn, kind, ch, cc.Pos(), deferIn, true)
					}
				}
				for _, b := range cc.Body {
					p.walk(f, decl, fn, b, deferIn)
				}
			}
			return false
		case *ast.SendStmt:
			p.add(f, decl, fn, opSend, c.Chan, c.Pos(), deferIn, false)
		case *ast.UnaryExpr:
			if c.Op == token.ARROW {
				p.add(f, decl, fn, opRecv, c.X, c.Pos(), deferIn, false)
			}
		case *ast.RangeStmt:
			p.add(f, decl, fn, opRange, c.X, c.Pos(), deferIn, false)
		case *ast.CallExpr:
			if isIdentCall(c, "close") && len(c.Args) == 1 {
				p.add(f, decl, fn, opClose, c.Args[0], c.Pos(), deferIn, false)
			} else if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
				if kind, ok := methodOps[sel.Sel.Name]; ok {
					p.add(f, decl, fn, kind, sel.X, c.Pos(), deferIn, false)
				}
			}
		}
		return true
	})
}

// keyOf returns the key of expression x written in fn (inside decl).
func keyOf(x ast.Expr, decl *ast.FuncDecl, fn ast.Node, pkgVar map[string]bool) (objKey, bool) {
	switch x := ast.Unparen(x).(type) {
	case *ast.SelectorExpr:
		k := objKey{name: x.Sel.Name, field: true}
		if id, ok := ast.Unparen(x.X).(*ast.Ident); ok {
			if recv, typ, _ := receiver(decl); recv != "" && recv == id.Name && !shadowed(fn, decl, id.Name) {
				k.typ = typ
			} else if t := localType(decl, fn, id.Name); t != "" {
				k.typ = t
			} else if pkgVar[id.Name] {
				k.typ = "var " + id.Name
			}
		}
		return k, true
	case *ast.Ident:
		if x.Name == "_" || x.Name == "nil" {
			return objKey{}, false
		}
		if recv, typ, _ := receiver(decl); recv != "" && recv == x.Name && !shadowed(fn, decl, x.Name) {
			// The receiver itself: an embedded mutex (svm.Lock()).
			return objKey{typ: typ, name: "(" + typ + ")", field: true}, true
		}
		if pkgVar[x.Name] && !declaresLocally(decl, x.Name) {
			return objKey{name: x.Name}, true
		}
		if t := localType(decl, fn, x.Name); t != "" {
			// A variable of a named type: the same object as that type's
			// receiver (ds.Lock() and devices.Lock() on a DeviceSet).
			return objKey{typ: t, name: "(" + t + ")", field: true}, true
		}
		if over := rangeOver(decl, x.Name); over != nil {
			// for _, ch := range r.chans: an element of r.chans.
			if k, ok := keyOf(over, decl, fn, pkgVar); ok {
				k.name += "[]"
				return k, true
			}
		}
		return objKey{name: x.Name, local: decl}, true
	case *ast.StarExpr:
		return keyOf(x.X, decl, fn, pkgVar)
	}
	return objKey{}, false
}

// shadowed reports whether fn, a literal inside decl, declares a parameter
// named name (so it is not decl's receiver there).
func shadowed(fn ast.Node, decl *ast.FuncDecl, name string) bool {
	lit, ok := fn.(*ast.FuncLit)
	if !ok || fn == ast.Node(decl) {
		return false
	}
	for _, fld := range lit.Type.Params.List {
		for _, id := range fld.Names {
			if id.Name == name {
				return true
			}
		}
	}
	return false
}

// declaresLocally reports whether decl declares name as a parameter or with
// := or var, anywhere in its body.
func declaresLocally(decl *ast.FuncDecl, name string) bool {
	if decl == nil {
		return false
	}
	return declares(decl, name, true)
}

// declares reports whether root declares name with := or var (and, when
// params, as a parameter), anywhere in it.
func declares(root ast.Node, name string, params bool) bool {
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.Field:
			for _, id := range n.Names {
				found = found || params && id.Name == name
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == name {
						found = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				found = found || id.Name == name
			}
		}
		return true
	})
	return found
}

// receiver returns a method's receiver name and type name, and whether the
// receiver is a pointer; "" for a function.
func receiver(decl *ast.FuncDecl) (name, typ string, pointer bool) {
	if decl == nil || decl.Recv == nil || len(decl.Recv.List) == 0 {
		return "", "", false
	}
	fld := decl.Recv.List[0]
	t := fld.Type
	if st, ok := t.(*ast.StarExpr); ok {
		t, pointer = st.X, true
	}
	switch tt := t.(type) {
	case *ast.IndexExpr:
		t = tt.X
	case *ast.IndexListExpr:
		t = tt.X
	}
	if id, ok := t.(*ast.Ident); ok {
		typ = id.Name
	}
	if len(fld.Names) > 0 {
		name = fld.Names[0].Name
	}
	return name, typ, pointer
}

// funcName names the function fn inside decl the way the runtime does,
// without the package: "(*T).M", "f"; a literal reads "f.func…" (the
// compiler's numbering is not worth recomputing for a label).
func funcName(decl *ast.FuncDecl, fn ast.Node) string {
	if decl == nil {
		return ""
	}
	name := decl.Name.Name
	if _, typ, ptr := receiver(decl); typ != "" {
		if ptr {
			name = "(*" + typ + ")." + name
		} else {
			name = typ + "." + name
		}
	}
	if fn == nil || fn == ast.Node(decl) {
		return name
	}
	return name + ".func…"
}

// lookup returns the ops of the package that act on an object matching k,
// of the given kinds: the exact matches when there are any, else those
// that only share the field's name.
func (p *pkgOps) lookup(k objKey, kinds ...opKind) []*srcOp {
	if p == nil {
		return nil
	}
	var exact, loose []*srcOp
	for _, o := range p.candidates(k) {
		ok, ex := o.key.matches(k)
		if !ok || !slices.Contains(kinds, o.kind) {
			continue
		}
		if ex {
			exact = append(exact, o)
		} else {
			loose = append(loose, o)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return loose
}

// localType returns the named type of a variable of fn or decl, when the
// syntax shows it: a parameter "x *T", "var x T", or "x := &T{…}" / "T{…}".
// It returns "" when it cannot tell.
func localType(decl *ast.FuncDecl, fn ast.Node, name string) string {
	if decl == nil {
		return ""
	}
	typeName := func(t ast.Expr) string {
		if st, ok := t.(*ast.StarExpr); ok {
			t = st.X
		}
		if id, ok := t.(*ast.Ident); ok {
			return id.Name
		}
		return ""
	}
	var params []*ast.FieldList
	if lit, ok := fn.(*ast.FuncLit); ok {
		params = append(params, lit.Type.Params)
	}
	params = append(params, decl.Type.Params)
	for _, fl := range params {
		for _, fld := range fl.List {
			for _, id := range fld.Names {
				if id.Name == name {
					return typeName(fld.Type)
				}
			}
		}
	}
	found := ""
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if found != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.ValueSpec:
			for _, id := range n.Names {
				if id.Name == name && n.Type != nil {
					found = typeName(n.Type)
				}
			}
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE || len(n.Lhs) != len(n.Rhs) {
				return true
			}
			for i, l := range n.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name != name {
					continue
				}
				r := ast.Unparen(n.Rhs[i])
				if u, ok := r.(*ast.UnaryExpr); ok && u.Op == token.AND {
					r = u.X
				}
				if cl, ok := r.(*ast.CompositeLit); ok && cl.Type != nil {
					found = typeName(cl.Type)
				}
			}
		}
		return true
	})
	return found
}

// rangeOver returns X when decl declares name only as the value of a
// "for _, name := range X" over a field or variable.
func rangeOver(decl *ast.FuncDecl, name string) ast.Expr {
	if decl == nil || decl.Body == nil {
		return nil
	}
	var over ast.Expr
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		rs, ok := n.(*ast.RangeStmt)
		if !ok || rs.Tok != token.DEFINE {
			return true
		}
		if id, ok := rs.Value.(*ast.Ident); ok && id.Name == name {
			switch x := ast.Unparen(rs.X).(type) {
			case *ast.SelectorExpr:
				over = x
			case *ast.Ident:
				if x.Name != name {
					over = x
				}
			}
		}
		return true
	})
	return over
}
