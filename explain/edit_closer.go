package explain

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// The "owner never closed" edits: a goroutine lives as long as a value
// its creator handed back (its owner), and a method of that value (its
// closer) would end it. The edit calls the closer where the owner is
// created in the user's code: `defer x.Close()` after the statement, or
// `t.Cleanup(func() { x.Close() })` in a test. A site where the owner
// escapes (returned, stored, sent, captured by a closure or passed on) gets
// no edit: whoever receives it must close it, and the reason says so.

// ownerCloser is what the rule looks for: values of an owner type of the
// package, and the call that closes them.
type ownerCloser struct {
	// typeName is the owner's type, declared in the package.
	typeName string
	// method is the closer; params its parameters' types (nil when the
	// declaration's types are not known).
	method     string
	params     []types.Type
	paramExprs []ast.Expr
	// varName is the name for an owner the code discards: the closer's
	// receiver name.
	varName string
}

// closerSite is one place the owner is created, and what to do there.
type closerSite struct {
	edits []report.Edit
	// why is set when the site gets no edit.
	why string
	// line is the site's line, for the summary.
	file *srcFile
	line int
}

// pkgFiles returns the parsed Go files of the package f belongs to (test
// files included, the external test package not), f first.
func (d *diagnoser) pkgFiles(f *srcFile) []*srcFile {
	files := []*srcFile{f}
	names, err := os.ReadDir(filepath.Dir(f.path))
	if err != nil {
		return files
	}
	for _, n := range names {
		p := filepath.Join(filepath.Dir(f.path), n.Name())
		if p == f.path || !strings.HasSuffix(p, ".go") {
			continue
		}
		if other := d.src.file(p); other != nil && other.ast.Name.Name == f.ast.Name.Name {
			files = append(files, other)
		}
	}
	return files
}

// closerOfField returns the method of typeName that ends what the field
// (a context's cancel function) holds: the methods that call recv.field()
// directly, or through other methods of the same type, ranked exported
// closer names first, then exported, then closer names. nil when none.
func (d *diagnoser) closerOfField(files []*srcFile, typeName, field string) *ownerCloser {
	type method struct {
		decl *ast.FuncDecl
		file *srcFile
		recv string
	}
	var methods []method
	for _, f := range files {
		for _, decl := range f.ast.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if recv, typ, _ := receiver(fd); typ == typeName {
				methods = append(methods, method{fd, f, recv})
			}
		}
	}
	// closing: the methods known to call the field, grown to a fixed point
	// through calls on the receiver.
	closing := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, m := range methods {
			if closing[m.decl.Name.Name] || m.recv == "" || m.recv == "_" {
				continue
			}
			names := []string{field}
			for n := range closing {
				names = append(names, n)
			}
			ast.Inspect(m.decl.Body, func(n ast.Node) bool {
				if r, name, ok := methodCall(n); ok && r == m.recv && slices.Contains(names, name) {
					closing[m.decl.Name.Name] = true
					changed = true
				}
				return !closing[m.decl.Name.Name]
			})
		}
	}
	rank := func(name string) int {
		switch {
		case ast.IsExported(name) && isCloserName(name):
			return 0
		case ast.IsExported(name):
			return 1
		case isCloserName(name):
			return 2
		}
		return 3
	}
	var best *method
	for i, m := range methods {
		if !closing[m.decl.Name.Name] {
			continue
		}
		// Of equal rank, the simpler call: Shutdown() before
		// ShutdownWithContext(ctx), which it calls.
		if r, br := rank(m.decl.Name.Name), 0; best != nil {
			br = rank(best.decl.Name.Name)
			if r > br || r == br && m.decl.Type.Params.NumFields() >= best.decl.Type.Params.NumFields() {
				continue
			}
		}
		best = &methods[i]
	}
	if best == nil {
		return nil
	}
	oc := &ownerCloser{typeName: typeName, method: best.decl.Name.Name, varName: best.recv}
	for _, p := range best.decl.Type.Params.List {
		for range max(1, len(p.Names)) {
			oc.paramExprs = append(oc.paramExprs, p.Type)
		}
	}
	if info := d.packageTypes(best.file); info != nil {
		if fn, ok := info.Defs[best.decl.Name].(*types.Func); ok {
			ps := fn.Signature().Params()
			for i := range ps.Len() {
				oc.params = append(oc.params, ps.At(i).Type())
			}
		} else if best.decl.Type.Params.NumFields() > 0 {
			return nil
		}
	}
	return oc
}

// closeOwner finds where the goroutine's creator hands out the owner in
// the package's code and suggests calling the closer there. creator is the
// function whose call gives the owner: it returns a value of the owner's
// type, or is a method of it (the receiver is the owner).
func (e *editor) closeOwner(oc *ownerCloser, creator *ast.FuncDecl, creatorFile *srcFile) (*report.Suggestion, string) {
	info := e.d.packageTypes(creatorFile)
	if info == nil {
		return nil, ""
	}
	creatorObj := info.Defs[creator.Name]
	if creatorObj == nil {
		return nil, ""
	}
	_, recvType, _ := receiver(creator)
	fromRecv := recvType == oc.typeName
	if !fromRecv && !returnsType(creator, oc.typeName) {
		return nil, ""
	}
	var sites []closerSite
	files := e.d.pkgFiles(creatorFile)
	for _, f := range files {
		finfo := e.d.packageTypes(f)
		ast.Inspect(f.ast, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || calleeObj(finfo, call) == nil || calleeObj(finfo, call).Pos() != creatorObj.Pos() {
				return true
			}
			if s := e.ownerSite(f, call, fromRecv, oc); s != nil {
				sites = append(sites, *s)
			}
			return true
		})
	}
	sites = inTests(e.g.Tests, files, sites)
	return summarizeSites(sites, fmt.Sprintf("%s() on the %s", oc.method, oc.typeName),
		func(lines string) string {
			return fmt.Sprintf("call %s() where the %s is created (%s), so its goroutine ends with its owner",
				oc.method, oc.typeName, lines)
		})
}

// summarizeSites turns the sites into one suggestion, or the reasons none
// got an edit. what names the call for the reasons.
func summarizeSites(sites []closerSite, what string, summary func(lines string) string) (*report.Suggestion, string) {
	var edits []report.Edit
	var lines, whys []string
	for _, s := range sites {
		if s.why != "" {
			whys = append(whys, fmt.Sprintf("line %d: %s", s.line, s.why))
			continue
		}
		if len(s.edits) == 0 {
			continue
		}
		edits = append(edits, s.edits...)
		lines = append(lines, fmt.Sprintf("%s:%d", filepath.Base(s.file.path), s.line))
	}
	if len(edits) > 0 {
		return &report.Suggestion{Summary: summary(strings.Join(lines, ", ")), Edits: edits}, ""
	}
	if len(whys) > 0 {
		return nil, fmt.Sprintf("no place to add %s: %s", what, strings.Join(whys, "; "))
	}
	return nil, ""
}

// calleeObj returns the function or method a call calls, nil when not
// known.
func calleeObj(info *types.Info, call *ast.CallExpr) types.Object {
	if info == nil {
		return nil
	}
	switch fn := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return info.Uses[fn]
	case *ast.SelectorExpr:
		return info.Uses[fn.Sel]
	}
	return nil
}

// returnsType reports whether fn's first result is typeName or a pointer
// to it.
func returnsType(fn *ast.FuncDecl, typeName string) bool {
	if fn.Type.Results == nil || len(fn.Type.Results.List) == 0 {
		return false
	}
	t := fn.Type.Results.List[0].Type
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	id, ok := generic(t).(*ast.Ident)
	return ok && id.Name == typeName
}

// generic returns the generic type or function an instantiation
// (Cache[K, V], NewCache[string, int]) names, e itself otherwise.
func generic(e ast.Expr) ast.Expr {
	switch x := e.(type) {
	case *ast.IndexExpr:
		return x.X
	case *ast.IndexListExpr:
		return x.X
	}
	return e
}

// ownerSite is the edit (or the reason for none) at one call of the
// creator: the statement holding it must be a statement of a block, the
// owner a local variable (or a discarded result, which gets a name).
func (e *editor) ownerSite(f *srcFile, call *ast.CallExpr, fromRecv bool, oc *ownerCloser) *closerSite {
	fn, stmt := enclosingFuncStmt(f.ast, call)
	if fn == nil || stmt == nil {
		return nil
	}
	site := &closerSite{file: f, line: f.lineOf(stmt.Pos())}
	body := funcBody(fn)
	var name string
	var replace *report.Edit
	switch {
	case fromRecv:
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		id, isIdent := ast.Unparen(sel.X).(*ast.Ident)
		if !ok || !isIdent {
			return nil
		}
		es, ok := stmt.(*ast.ExprStmt)
		if !ok || es.X != call {
			return nil
		}
		name = id.Name
		if !declares(body, name, false) {
			return nil // a parameter or a global: its owner is elsewhere
		}
	default:
		switch st := stmt.(type) {
		case *ast.ExprStmt:
			if st.X != call {
				return nil
			}
			// The owner is discarded: name it.
			name = oc.varName
			if name == "" || name == "_" || identUsed(body, name, nil) {
				site.why = "the result is discarded and the name " + name + " is taken"
				return site
			}
			ed := newEdit(f, f.posOffset(call.Pos()), f.posOffset(call.Pos()), name+" := ")
			replace = &ed
		case *ast.AssignStmt:
			if st.Tok != token.DEFINE || len(st.Rhs) != 1 || st.Rhs[0] != call {
				return nil
			}
			id, ok := st.Lhs[0].(*ast.Ident)
			if !ok || id.Name == "_" {
				return nil
			}
			name = id.Name
		default:
			return nil
		}
	}
	if closed(body, name, oc.method) {
		return nil // already closed here
	}
	if why := escapes(body, name, stmt); why != "" {
		site.why = fmt.Sprintf("%s %s, so its owner is elsewhere and must call %s", name, why, oc.method)
		return site
	}
	args, ok := closerArgs(f, oc.params, oc.paramExprs)
	if !ok {
		site.why = fmt.Sprintf("%s takes arguments this edit cannot choose", oc.method)
		return site
	}
	return closeAt(site, fn, stmt, name, replace, fmt.Sprintf("%s.%s(%s)", name, oc.method, args), false)
}

// closeAt completes site, the statement stmt of fn creating the owner
// name: the edit calling closeCall after it (after its error check), or
// why there is none when the owner escapes. replace, when set, is an edit
// of the statement itself (naming a discarded owner). alwaysDefer keeps
// `defer` in tests too (a response body is the function's own).
func closeAt(site *closerSite, fn ast.Node, stmt ast.Stmt, name string, replace *report.Edit, closeCall string,
	alwaysDefer bool) *closerSite {
	f := site.file
	if why := escapes(funcBody(fn), name, stmt); why != "" {
		site.why = fmt.Sprintf("%s %s, so its owner is elsewhere and must call %s", name, why,
			strings.TrimPrefix(closeCall, name+"."))
		return site
	}
	after := afterErrCheck(fn, stmt)
	if !f.alone(after) {
		return nil
	}
	text := "defer " + closeCall
	if t := testingParam(fn); t != "" && !alwaysDefer {
		text = fmt.Sprintf("%s.Cleanup(func() { %s })", t, closeCall)
	}
	if replace != nil {
		site.edits = append(site.edits, *replace)
	}
	site.edits = append(site.edits, f.insertAfter(after, text))
	return site
}

// enclosingFuncStmt returns the innermost function holding n, and the
// statement of a block (in that function) holding n.
func enclosingFuncStmt(root ast.Node, n ast.Node) (ast.Node, ast.Stmt) {
	var fn ast.Node
	var stmt ast.Stmt
	ast.Inspect(root, func(c ast.Node) bool {
		if c == nil || c.Pos() > n.Pos() || c.End() < n.End() {
			return false
		}
		switch c := c.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			fn, stmt = c, nil
		case *ast.BlockStmt:
			for _, st := range c.List {
				if st.Pos() <= n.Pos() && st.End() >= n.End() {
					stmt = st
				}
			}
		}
		return true
	})
	return fn, stmt
}

// closed reports whether body calls name.method anywhere, or takes it as
// a method value (t.Cleanup(c.Close)).
func closed(body ast.Node, name, method string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == method {
			if r := types.ExprString(sel.X); r == name || strings.HasPrefix(r, name+".") {
				found = true
			}
		}
		return !found
	})
	return found
}

// escapes says how the variable name leaves the function, "" when it does
// not: returned, assigned or stored, sent, passed to a call, or captured
// by a function literal. Selections (name.f, name.M()) are uses, not
// escapes. def is the statement defining it.
func escapes(body ast.Node, name string, def ast.Stmt) string {
	why := ""
	isName := func(e ast.Expr) bool { id, ok := ast.Unparen(e).(*ast.Ident); return ok && id.Name == name }
	ast.Inspect(body, func(n ast.Node) bool {
		if why != "" || n == def {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			if identUsed(n.Body, name, nil) {
				why = "is captured by a function literal"
			}
			return false
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if isName(r) {
					why = "is returned"
				}
			}
		case *ast.AssignStmt:
			for _, r := range n.Rhs {
				if isName(r) {
					why = "is assigned to " + types.ExprString(n.Lhs[0])
				}
			}
		case *ast.GoStmt:
			if r, _, ok := methodCall(n.Call); ok && r == name {
				why = "is used by the goroutine started at " + types.ExprString(n.Call.Fun)
			}
		case *ast.SendStmt:
			if isName(n.Value) {
				why = "is sent on " + types.ExprString(n.Chan)
			}
		case *ast.CompositeLit:
			for _, el := range n.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					el = kv.Value
				}
				if isName(el) {
					why = "is stored in a composite literal"
				}
			}
		case *ast.CallExpr:
			for _, a := range n.Args {
				if isName(a) {
					why = "is passed to " + types.ExprString(n.Fun)
				}
			}
		}
		return true
	})
	return why
}

// closerArgs spells the closer's arguments: a fresh context for a
// context.Context (when the file imports context), the zero value
// otherwise. ok is false when an argument has no spelling this code knows.
func closerArgs(f *srcFile, params []types.Type, exprs []ast.Expr) (string, bool) {
	var args []string
	for i, e := range exprs {
		var p types.Type = types.Typ[types.Invalid]
		if i < len(params) {
			p = params[i]
		}
		switch {
		case types.ExprString(e) == "context.Context":
			if !imports(f, "context") {
				return "", false
			}
			args = append(args, "context.Background()")
		case zeroValue(p) != "" && validType(p):
			args = append(args, zeroValue(p))
		default:
			return "", false
		}
	}
	return strings.Join(args, ", "), true
}

// imports reports whether f imports path under its own name.
func imports(f *srcFile, path string) bool {
	for _, im := range f.ast.Imports {
		if strings.Trim(im.Path.Value, `"`) == path && im.Name == nil {
			return true
		}
	}
	return false
}

// afterErrCheck returns the statement to insert after: stmt, or the
// `if err != nil { … }` right after it when stmt assigns err (the owner is
// not valid before the check).
func afterErrCheck(fn ast.Node, stmt ast.Stmt) ast.Stmt {
	as, ok := stmt.(*ast.AssignStmt)
	if !ok || len(as.Lhs) < 2 {
		return stmt
	}
	errName := types.ExprString(as.Lhs[len(as.Lhs)-1])
	block, at := enclosingBlock(funcBody(fn), stmt)
	if block == nil || at+1 >= len(block.List) {
		return stmt
	}
	if ifs, ok := block.List[at+1].(*ast.IfStmt); ok && ifs.Init == nil {
		if be, ok := ifs.Cond.(*ast.BinaryExpr); ok && be.Op == token.NEQ &&
			types.ExprString(be.X) == errName && types.ExprString(be.Y) == "nil" {
			return ifs
		}
	}
	return stmt
}

// testingParam returns the name of fn's *testing.T (or B, F) parameter
// when fn is a test function, "" otherwise.
func testingParam(fn ast.Node) string {
	var ft *ast.FuncType
	switch fn := fn.(type) {
	case *ast.FuncLit:
		ft = fn.Type // a subtest: t.Run(name, func(t *testing.T) { … })
	case *ast.FuncDecl:
		if fn.Recv == nil && (strings.HasPrefix(fn.Name.Name, "Test") || strings.HasPrefix(fn.Name.Name, "Benchmark") ||
			strings.HasPrefix(fn.Name.Name, "Fuzz")) {
			ft = fn.Type
		}
	}
	if ft != nil {
		for _, p := range ft.Params.List {
			switch types.ExprString(p.Type) {
			case "*testing.T", "*testing.B", "*testing.F":
				if len(p.Names) == 1 && p.Names[0].Name != "_" {
					return p.Names[0].Name
				}
			}
		}
	}
	return ""
}

// callCloser is the edit for a goroutine its owner's closer would release
// (the diagnosis found the method): in the package under test, each
// statement creating the owner — by a literal of its type or a function
// of its package returning it — gets the closer call after it.
func (e *editor) callCloser() (*report.Suggestion, string) {
	c := e.g.Diagnosis.Facts.Closer
	if c == nil {
		return nil, ""
	}
	dir := packageDir(e.d.root, e.d.pkg)
	if dir == "" {
		return nil, "the package under test is not known, so the statement creating the owner cannot be found"
	}
	// The owners a user may hold: the exported types whose method of the
	// same name calls the closer, then the closer's own type.
	type owner struct {
		typ  string
		decl report.SourceRef
	}
	var owners []owner
	for _, o := range c.Owners {
		t := strings.TrimSuffix(o.Func, "."+c.Method)
		owners = append(owners, owner{strings.TrimSuffix(strings.TrimPrefix(t, "(*"), ")"), o})
	}
	owners = append(owners, owner{c.Type, c.At})
	userFiles := e.d.filesIn(dir)
	var sites []closerSite
	for _, o := range owners {
		of := e.d.src.file(o.decl.File)
		if of == nil {
			continue
		}
		ms := of.locate(o.decl.Line)
		if ms == nil || ms.decl == nil {
			continue
		}
		var params []ast.Expr
		for _, p := range ms.decl.Type.Params.List {
			for range max(1, len(p.Names)) {
				params = append(params, p.Type)
			}
		}
		ownerFiles := e.d.pkgFiles(of)
		samePkg := filepath.Dir(of.path) == dir
		for _, f := range userFiles {
			qual := ""
			if !samePkg {
				if qual = importName(f, of.ast.Name.Name); qual == "" {
					continue
				}
				if !ast.IsExported(o.typ) {
					continue
				}
			}
			ast.Inspect(f.ast, func(n ast.Node) bool {
				as, ok := n.(*ast.AssignStmt)
				if !ok || as.Tok != token.DEFINE || len(as.Rhs) != 1 || len(as.Lhs) > 2 {
					return true
				}
				id, ok := as.Lhs[0].(*ast.Ident)
				if !ok || id.Name == "_" || !createsOwner(as.Rhs[0], qual, o.typ, ownerFiles) {
					return true
				}
				fn, stmt := enclosingFuncStmt(f.ast, as)
				if fn == nil || stmt != ast.Stmt(as) || closed(funcBody(fn), id.Name, c.Method) {
					return true
				}
				site := &closerSite{file: f, line: f.lineOf(as.Pos())}
				args, ok := closerArgs(f, nil, params)
				if !ok {
					site.why = fmt.Sprintf("%s takes arguments this edit cannot choose", c.Method)
				} else {
					closeAt(site, fn, as, id.Name, nil, fmt.Sprintf("%s.%s(%s)", id.Name, c.Method, args), false)
				}
				if site.why != "" || len(site.edits) > 0 {
					sites = append(sites, *site)
				}
				return true
			})
		}
		if len(sites) > 0 {
			break // the owner the user holds is found: its closer calls the others
		}
	}
	sites = inTests(e.g.Tests, userFiles, sites)
	sug, why := summarizeSites(sites, c.Method+"()", func(lines string) string {
		return fmt.Sprintf("call %s where the code creates its owner (%s), so the goroutine ends with it", c.Method,
			lines)
	})
	if sug == nil && why == "" {
		why = fmt.Sprintf("no statement of the package under test creates the owner whose %s releases this "+
			"goroutine; the diagnosis names the call", c.Method)
	}
	return sug, why
}

// filesIn returns the parsed Go files of dir's package (the first
// non-test file's package, its test files included).
func (d *diagnoser) filesIn(dir string) []*srcFile {
	names, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	for _, n := range names {
		if strings.HasSuffix(n.Name(), "_test.go") {
			continue
		}
		if f := d.src.file(filepath.Join(dir, n.Name())); f != nil {
			return d.pkgFiles(f)
		}
	}
	return nil
}

// importName returns the name f refers to the package named pkg by: its
// import's alias, or pkg when the path's last element is pkg. "" when f
// does not import it.
func importName(f *srcFile, pkg string) string {
	for _, im := range f.ast.Imports {
		p := strings.Trim(im.Path.Value, `"`)
		if path.Base(p) != pkg && !(im.Name != nil && strings.HasSuffix(p, "/"+pkg)) {
			continue
		}
		if im.Name != nil {
			if im.Name.Name == "_" || im.Name.Name == "." {
				return ""
			}
			return im.Name.Name
		}
		return pkg
	}
	return ""
}

// createsOwner reports whether e makes a value of typ (qualified by qual
// when another package's): a literal of it, or a call of a function of
// its package (files) returning it.
func createsOwner(e ast.Expr, qual, typ string, files []*srcFile) bool {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	want := typ
	if qual != "" {
		want = qual + "." + typ
	}
	switch e := e.(type) {
	case *ast.CompositeLit:
		return types.ExprString(generic(e.Type)) == want
	case *ast.CallExpr:
		name := ""
		switch fn := generic(e.Fun).(type) {
		case *ast.Ident:
			if qual == "" {
				name = fn.Name
			}
		case *ast.SelectorExpr:
			if x, ok := fn.X.(*ast.Ident); ok && qual != "" && x.Name == qual {
				name = fn.Sel.Name
			}
		}
		if name == "" {
			return false
		}
		for _, f := range files {
			for _, decl := range f.ast.Decls {
				if fd, ok := decl.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name {
					return returnsType(fd, typ)
				}
			}
		}
	}
	return false
}
