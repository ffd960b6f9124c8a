package explain

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// The HTTP client connection's owners: a connection's read and write
// loops are net/http's, so no line of the user's code is on their stack.
// What keeps them is in the package under test: a response whose body is
// never closed, or a client (or a value of the package that closes its
// client's idle connections) whose idle connections are never closed. The
// edits close each where the code creates it, as the owner-never-closed
// rule does.

// responseCalls are the methods and functions of net/http that return a
// response the caller must close.
var responseCalls = []string{"Get", "Head", "Post", "PostForm", "Do", "RoundTrip"}

// responseFields are the fields of http.Response: a variable read through
// one of them is a response, not another Get's result.
var responseFields = []string{"Body", "StatusCode", "Status", "Header", "ContentLength", "Request"}

// suggestHTTP sets the suggestion (or the reason for none) of a group of
// HTTP client connection goroutines from the package under test's code.
// It reports whether it found that code.
func (d *diagnoser) suggestHTTP(g *report.Group) bool {
	if d.src == nil { // NoSource: not even go.mod is read
		return false
	}
	dir := packageDir(d.root, d.pkg)
	if dir == "" {
		return false
	}
	var first *srcFile
	names, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, n := range names {
		if f := d.src.file(filepath.Join(dir, n.Name())); f != nil && !strings.HasSuffix(n.Name(), "_test.go") {
			first = f
			break
		}
	}
	if first == nil {
		return false
	}
	files := d.pkgFiles(first)
	var sites []closerSite
	for _, f := range files {
		if !imports(f, "net/http") {
			continue
		}
		ast.Inspect(f.ast, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || as.Tok != token.DEFINE || len(as.Rhs) != 1 {
				return true
			}
			if s := responseSite(f, as); s != nil {
				sites = append(sites, *s)
			}
			return true
		})
	}
	for _, f := range files {
		ast.Inspect(f.ast, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || as.Tok != token.DEFINE || len(as.Rhs) != 1 || len(as.Lhs) != 1 {
				return true
			}
			if s := idleOwnerSite(f, files, as); s != nil {
				sites = append(sites, *s)
			}
			return true
		})
	}
	sites = inTests(g.Tests, files, sites)
	sug, why := summarizeSites(sites, "the Close", func(lines string) string {
		var what []string
		for _, s := range sites {
			for _, e := range s.edits {
				switch {
				case strings.Contains(e.New, ".Body.Close()") && !slices.Contains(what, "the response body"):
					what = append(what, "the response body")
				case strings.Contains(e.New, ".CloseIdleConnections()") &&
					!slices.Contains(what, "the client's idle connections"):
					what = append(what, "the client's idle connections")
				}
			}
		}
		them := "them"
		if len(what) == 1 {
			them = "it"
		}
		return fmt.Sprintf("close %s where the code gets %s (%s): the connection's goroutines end with %s",
			strings.Join(what, " and "), them, lines, them)
	})
	switch {
	case sug != nil:
		d.finishSuggestion(g, sug)
	case why != "":
		g.Diagnosis.NoEdit = why
	default:
		return false
	}
	return true
}

// responseSite is the edit closing the body of the response as assigns
// (resp, err := client.Get(url)), nil when as gets no response or the body
// is closed in the function.
func responseSite(f *srcFile, as *ast.AssignStmt) *closerSite {
	call, ok := as.Rhs[0].(*ast.CallExpr)
	if !ok || len(as.Lhs) != 2 {
		return nil
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || !slices.Contains(responseCalls, sel.Sel.Name) {
		return nil
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	if !ok || id.Name == "_" {
		return nil
	}
	fn, stmt := enclosingFuncStmt(f.ast, as)
	if fn == nil || stmt != ast.Stmt(as) {
		return nil
	}
	body := funcBody(fn)
	if !readsField(body, id.Name, responseFields) || closed(body, id.Name+".Body", "Close") {
		return nil
	}
	site := &closerSite{file: f, line: f.lineOf(as.Pos())}
	return closeAt(site, fn, as, id.Name, nil, id.Name+".Body.Close()", true)
}

// idleOwnerSite is the edit closing the idle connections of the client as
// creates (c := &http.Client{…}, or a value of a type of the package with
// a CloseIdleConnections method, made by a literal or by a function of the
// package returning it), nil when as creates none or they are closed in
// the function.
func idleOwnerSite(f *srcFile, files []*srcFile, as *ast.AssignStmt) *closerSite {
	id, ok := as.Lhs[0].(*ast.Ident)
	if !ok || id.Name == "_" {
		return nil
	}
	if !createsIdleOwner(f, files, as.Rhs[0]) {
		return nil
	}
	fn, stmt := enclosingFuncStmt(f.ast, as)
	if fn == nil || stmt != ast.Stmt(as) || closed(funcBody(fn), id.Name, "CloseIdleConnections") {
		return nil
	}
	site := &closerSite{file: f, line: f.lineOf(as.Pos())}
	return closeAt(site, fn, as, id.Name, nil, id.Name+".CloseIdleConnections()", false)
}

// createsIdleOwner reports whether e makes a value with a
// CloseIdleConnections method: an http.Client or http.Transport literal,
// or a literal of (or a package function returning) a type of the package
// declaring that method.
func createsIdleOwner(f *srcFile, files []*srcFile, e ast.Expr) bool {
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	switch e := e.(type) {
	case *ast.CompositeLit:
		switch t := types.ExprString(e.Type); t {
		case "http.Client", "http.Transport":
			return imports(f, "net/http")
		default:
			return hasMethod(files, t, "CloseIdleConnections")
		}
	case *ast.CallExpr:
		id, ok := e.Fun.(*ast.Ident)
		if !ok {
			return false
		}
		for _, pf := range files {
			for _, decl := range pf.ast.Decls {
				fd, ok := decl.(*ast.FuncDecl)
				if !ok || fd.Recv != nil || fd.Name.Name != id.Name || fd.Type.Results == nil {
					continue
				}
				if len(fd.Type.Results.List) != 1 || len(fd.Type.Results.List[0].Names) > 1 {
					return false
				}
				t := fd.Type.Results.List[0].Type
				if st, ok := t.(*ast.StarExpr); ok {
					t = st.X
				}
				return hasMethod(files, types.ExprString(t), "CloseIdleConnections")
			}
		}
	}
	return false
}

// hasMethod reports whether the package declares method on typeName.
func hasMethod(files []*srcFile, typeName, method string) bool {
	for _, f := range files {
		for _, decl := range f.ast.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Name.Name == method {
				if _, typ, _ := receiver(fd); typ == typeName {
					return true
				}
			}
		}
	}
	return false
}

// readsField reports whether body selects one of fields on name.
func readsField(body ast.Node, name string, fields []string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && slices.Contains(fields, sel.Sel.Name) {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == name {
				found = true
			}
		}
		return !found
	})
	return found
}

// packageDir is the directory of the package pkg in the module at root,
// read from root's go.mod; "" when pkg is not in that module.
func packageDir(root, pkg string) string {
	if root == "" || pkg == "" {
		return ""
	}
	mod, err := os.Open(filepath.Join(root, "go.mod"))
	if err != nil {
		return ""
	}
	defer mod.Close()
	sc := bufio.NewScanner(mod)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		path, ok := strings.CutPrefix(line, "module ")
		if !ok {
			continue
		}
		path = strings.Trim(strings.TrimSpace(path), `"`)
		switch {
		case pkg == path:
			return root
		case strings.HasPrefix(pkg, path+"/"):
			return filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(pkg, path+"/")))
		}
		return ""
	}
	return ""
}
