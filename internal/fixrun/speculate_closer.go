package fixrun

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// closerCandidates call the method the diagnosis names as the only
// release (Facts.Closer: a Close, Stop or Shutdown nothing called) where
// the package makes a value of its type and keeps it: `defer x.Close()`
// after the statement, or after the error check that follows it. The
// report declines such a site when the value is passed on or used by a
// goroutine, since its owner may be elsewhere; the tests decide here. A
// function that returns the value is its constructor and gets none.
func (s *session) closerCandidates(g *report.Group) []*candidate {
	cl := g.Diagnosis.Facts.Closer
	if cl == nil || cl.At.File == "" || !s.inModule(cl.At.File) {
		return nil
	}
	files, err := filepath.Glob(filepath.Join(filepath.Dir(cl.At.File), "*.go"))
	if err != nil {
		return nil
	}
	var cands []*candidate
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		cands = append(cands, closerSites(file, cl, files)...)
		if len(cands) >= maxContextCandidates {
			return cands[:maxContextCandidates]
		}
	}
	return cands
}

// makers are the functions of a package (by name) whose first result is
// the closer's type or a pointer to it.
func makers(files []string, typ string) map[string]bool {
	m := map[string]bool{}
	for _, file := range files {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv != nil || fd.Type.Results == nil || len(fd.Type.Results.List) == 0 {
				continue
			}
			t := fd.Type.Results.List[0].Type
			if st, ok := t.(*ast.StarExpr); ok {
				t = st.X
			}
			if id, ok := t.(*ast.Ident); ok && id.Name == typ {
				m[fd.Name.Name] = true
			}
		}
	}
	return m
}

// closerSites returns the candidates for one file.
func closerSites(file string, cl *report.Closer, pkgFiles []string) []*candidate {
	fset, f, src, ok := parseSource(file)
	if !ok {
		return nil
	}
	makes := makers(pkgFiles, cl.Type)
	// makesType reports whether e makes a value of the closer's type: a
	// literal of it, its address, or a call of one of its makers.
	makesType := func(e ast.Expr) bool {
		if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
			e = u.X
		}
		switch e := e.(type) {
		case *ast.CompositeLit:
			id, ok := e.Type.(*ast.Ident)
			return ok && id.Name == cl.Type
		case *ast.CallExpr:
			id, ok := e.Fun.(*ast.Ident)
			return ok && makes[id.Name]
		}
		return false
	}
	var cands []*candidate
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		ctx := contextParam(fd.Type)
		var walk func(list []ast.Stmt)
		walk = func(list []ast.Stmt) {
			for i, st := range list {
				if b, ok := st.(*ast.BlockStmt); ok {
					walk(b.List)
				}
				as, ok := st.(*ast.AssignStmt)
				if !ok || as.Tok != token.DEFINE || len(as.Rhs) != 1 || !makesType(as.Rhs[0]) {
					continue
				}
				x, ok := as.Lhs[0].(*ast.Ident)
				if !ok || x.Name == "_" || returns(fd.Body, x.Name) || calls(fd.Body, x.Name, cl.Method) {
					continue
				}
				after := st
				if i+1 < len(list) && len(as.Lhs) == 2 {
					if is, ok := list[i+1].(*ast.IfStmt); ok && is.Init == nil {
						after = is // after the error check
					}
				}
				arg := ""
				if cl.TakesContext {
					if arg = ctx; arg == "" {
						arg = "context.Background()"
						if !imports(f, "context") {
							continue
						}
					}
				}
				call := fmt.Sprintf("%s.%s(%s)", x.Name, cl.Method, arg)
				end := fset.Position(after.End())
				start := fset.Position(st.Pos())
				lineStart := strings.LastIndexByte(string(src[:start.Offset]), '\n') + 1
				indent := string(src[lineStart:start.Offset])
				if strings.TrimSpace(indent) != "" {
					continue
				}
				cands = append(cands, &candidate{
					summary: fmt.Sprintf("defer %s where %s is made (%s:%d), the only call that releases the goroutine", call, x.Name, filepath.Base(file), start.Line),
					from:    speculativeFrom,
					edits:   []report.Edit{{File: file, Start: end.Offset, End: end.Offset, Line: end.Line, EndLine: end.Line, New: "\n" + indent + "defer " + call}},
					lines:   []string{"+ defer " + call},
				})
			}
		}
		walk(fd.Body.List)
	}
	return cands
}

// returns reports whether body returns the variable name.
func returns(body *ast.BlockStmt, name string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if r, ok := n.(*ast.ReturnStmt); ok {
			for _, e := range r.Results {
				if id, ok := e.(*ast.Ident); ok && id.Name == name {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// calls reports whether body calls name.method.
func calls(body *ast.BlockStmt, name, method string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == method {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == name {
				found = true
			}
		}
		return !found
	})
	return found
}

// imports reports whether f imports path.
func imports(f *ast.File, path string) bool {
	for _, im := range f.Imports {
		if strings.Trim(im.Path.Value, `"`) == path {
			return true
		}
	}
	return false
}
