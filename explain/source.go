package explain

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/internal/srcfile"
	"github.com/leakhound/leakhound/internal/values"
)

// sourceCache reads each source file at most once per explanation, so a
// hundred groups blocking in one file cost one read; the syntax comes from
// the process's cache of parsed files (parsed.go). It is owned by one Report
// call and never shared.
type sourceCache struct {
	read  *srcfile.Reader
	files map[string]*srcFile // nil entry: tried and not readable
	dirs  map[string]*pkgOps  // dirOps's index by directory; nil entry: unreadable
	// typed holds, by directory, the type-checked packages (or why they
	// could not be loaded); union joins the values of those loaded.
	typed map[string]*typedDir
	union *values.Union
	// noTypes keeps the diagnosis on the syntax: no package is loaded.
	noTypes bool
}

// typedDir is one directory's typed load.
type typedDir struct {
	pkgs []*values.Package
	err  error
}

// srcFile is one parsed source file.
type srcFile struct {
	path  string
	ast   *ast.File
	tok   *token.File
	fset  *token.FileSet // the FileSet of ast and tok (see parsed.go)
	src   []byte
	sites map[int]*site // locate's results by line: many groups block on one line
	// typed is the type-checked package holding the file, nil when the
	// diagnosis rests on its syntax; union is the values joined so far.
	typed *values.Package
	union *values.Union
}

func newSourceCache(read *srcfile.Reader) *sourceCache {
	return &sourceCache{read: read, files: make(map[string]*srcFile), union: values.NewUnion()}
}

// typeDir loads the package of directory dir with its types, once per
// cache (values.Load keeps it for the process), and attaches it to the
// files read from it whose text is the text it checked. It returns why the
// load failed, nil when it did not.
func (c *sourceCache) typeDir(dir string, files []*srcFile) error {
	if c.noTypes {
		return errTypesOff
	}
	td, ok := c.typed[dir]
	if !ok {
		td = &typedDir{}
		td.pkgs, td.err = values.Load(dir)
		if c.typed == nil {
			c.typed = make(map[string]*typedDir)
		}
		c.typed[dir] = td
	}
	if td.err != nil {
		return td.err
	}
	for _, f := range files {
		if f.typed != nil {
			continue
		}
		for _, p := range td.pkgs {
			if p.Same(f.path, f.src) {
				c.union.Add(p)
				f.typed, f.union = p, c.union
				break
			}
		}
	}
	return nil
}

// typeErr says why the directory of path has no types, nil when it has
// them or was never asked.
func (c *sourceCache) typeErr(path string) error {
	if c == nil || c.noTypes {
		return nil // asked for: not worth a line in every diagnosis
	}
	if td, ok := c.typed[filepath.Dir(path)]; ok {
		return td.err
	}
	return nil
}

// errTypesOff is the reason given when type loading is turned off.
var errTypesOff = fmt.Errorf("type loading is off")

// valueOf returns the value key of x in f, "" when f has no types or x
// is not a value the union follows.
func (f *srcFile) valueOf(x ast.Expr) string {
	if f == nil || f.typed == nil || x == nil {
		return ""
	}
	return f.typed.ValueAt(f.path, f.tok.Offset(x.Pos()), f.tok.Offset(x.End()))
}

// file returns the parsed file at path, or nil when it cannot be read or
// parsed (a dump from another machine, a deleted file, generated code that
// does not parse).
func (c *sourceCache) file(path string) *srcFile {
	if c == nil || path == "" || !strings.HasSuffix(path, ".go") {
		return nil
	}
	if f, ok := c.files[path]; ok {
		return f
	}
	var sf *srcFile
	if src, err := c.read.Read(path); err == nil {
		if p, err := parseFile(path, src); err == nil {
			sf = &srcFile{path: path, ast: p.ast, tok: p.tok, fset: p.fset, src: p.src}
		}
	}
	c.files[path] = sf
	return sf
}

// line returns the text of a 1-based line, trimmed.
func (f *srcFile) line(n int) string {
	if n < 1 || n > f.tok.LineCount() {
		return ""
	}
	start := f.tok.Offset(f.tok.LineStart(n))
	end := len(f.src)
	if n < f.tok.LineCount() {
		end = f.tok.Offset(f.tok.LineStart(n + 1))
	}
	return strings.TrimSpace(srcfile.StripComment(f.src[start:end]))
}

func (f *srcFile) lineOf(p token.Pos) int { return f.tok.Line(p) }

// site is what the source says about one blocking line: the enclosing
// nodes, outermost first, and the functions around it.
type site struct {
	file  *srcFile
	line  int
	path  []ast.Node    // nodes whose extent covers the line, outermost first
	fn    ast.Node      // innermost *ast.FuncLit or *ast.FuncDecl
	decl  *ast.FuncDecl // the top-level function around the line
	text  string        // the source line, trimmed
	loops int           // for/range statements between fn and the line
}

// locate returns the site of line in f, or nil when no function covers it.
// Sites are cached per line and must not be modified.
func (f *srcFile) locate(line int) *site {
	if s, ok := f.sites[line]; ok {
		return s
	}
	s := f.locateUncached(line)
	if f.sites == nil {
		f.sites = make(map[int]*site)
	}
	f.sites[line] = s
	return s
}

func (f *srcFile) locateUncached(line int) *site {
	s := &site{file: f, line: line, text: f.line(line)}
	ast.Inspect(f.ast, func(n ast.Node) bool {
		if n == nil {
			return false
		}
		if f.lineOf(n.Pos()) > line || f.lineOf(n.End()) < line {
			return false
		}
		s.path = append(s.path, n)
		switch n := n.(type) {
		case *ast.FuncDecl:
			s.decl, s.fn, s.loops = n, n, 0
		case *ast.FuncLit:
			s.fn, s.loops = n, 0
		case *ast.ForStmt, *ast.RangeStmt:
			if f.lineOf(n.Pos()) < line {
				s.loops++
			}
		}
		return true
	})
	if s.fn == nil {
		return nil
	}
	return s
}

// onLine returns the innermost node on the site's line that match accepts.
func (s *site) onLine(match func(ast.Node) bool) ast.Node {
	for i := len(s.path) - 1; i >= 0; i-- {
		n := s.path[i]
		if s.file.lineOf(n.Pos()) == s.line && match(n) {
			return n
		}
	}
	// The node may start on the line without covering it as an ancestor
	// (a statement on the line inside a block that spans it): search the
	// innermost enclosing node.
	var found ast.Node
	if len(s.path) > 0 {
		ast.Inspect(s.path[len(s.path)-1], func(n ast.Node) bool {
			if n == nil || found != nil {
				return false
			}
			if s.file.lineOf(n.Pos()) > s.line || s.file.lineOf(n.End()) < s.line {
				return false
			}
			if s.file.lineOf(n.Pos()) == s.line && match(n) {
				found = n
				return false
			}
			return true
		})
	}
	return found
}

// endlessLoop reports whether the innermost loop around the line is a bare
// for {} with no condition and no break or return inside it.
func (s *site) endlessLoop() bool {
	for i := len(s.path) - 1; i >= 0; i-- {
		switch n := s.path[i].(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return false
		case *ast.RangeStmt:
			return false
		case *ast.ForStmt:
			if n.Cond != nil {
				return false
			}
			return !hasExit(n.Body)
		}
	}
	return false
}

// hasExit reports whether a loop body contains a return or an unlabelled
// break that is not inside a nested loop, switch or select, or any goto or
// labelled break.
func hasExit(body *ast.BlockStmt) bool {
	exit := false
	var walk func(n ast.Node, nested bool) bool
	walk = func(n ast.Node, nested bool) bool {
		ast.Inspect(n, func(c ast.Node) bool {
			if exit || c == nil {
				return false
			}
			switch c := c.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				exit = true
			case *ast.BranchStmt:
				if c.Tok == token.GOTO || (c.Tok == token.BREAK && (c.Label != nil || !nested)) {
					exit = true
				}
			case *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if c != n {
					walk(c, true)
					return false
				}
			case *ast.CallExpr:
				if isCallTo(c, "os", "Exit") || isCallTo(c, "runtime", "Goexit") || isIdentCall(c, "panic") {
					exit = true
				}
			}
			return true
		})
		return exit
	}
	return walk(body, false)
}

func isCallTo(c *ast.CallExpr, pkg, name string) bool {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != name {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == pkg
}

func isIdentCall(c *ast.CallExpr, name string) bool {
	id, ok := c.Fun.(*ast.Ident)
	return ok && id.Name == name
}

// methodCall returns the receiver text and method name of a call x.M(…).
func methodCall(n ast.Node) (recv, name string, ok bool) {
	c, isCall := n.(*ast.CallExpr)
	if !isCall {
		return "", "", false
	}
	sel, isSel := c.Fun.(*ast.SelectorExpr)
	if !isSel {
		return "", "", false
	}
	return types.ExprString(sel.X), sel.Sel.Name, true
}

// isDoneRecv reports whether e is <-x.Done() and returns x's text.
func isDoneRecv(e ast.Expr) (string, bool) {
	u, ok := ast.Unparen(e).(*ast.UnaryExpr)
	if !ok || u.Op != token.ARROW {
		return "", false
	}
	recv, name, ok := methodCall(ast.Unparen(u.X))
	if !ok || name != "Done" {
		return "", false
	}
	return recv, true
}

// commRecv returns the channel operand of a select case's receive or send.
func commChan(c *ast.CommClause) (ch ast.Expr, send bool) {
	switch st := c.Comm.(type) {
	case *ast.SendStmt:
		return st.Chan, true
	case *ast.ExprStmt:
		if u, ok := ast.Unparen(st.X).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
			return u.X, false
		}
	case *ast.AssignStmt:
		if len(st.Rhs) == 1 {
			if u, ok := ast.Unparen(st.Rhs[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				return u.X, false
			}
		}
	}
	return nil, false
}

// makeChan looks in root for the statement that makes the channel named
// name ("ch := make(chan T)", "ch = make(chan T, n)", "var ch = …") and
// returns the make call and its line; nil when not found.
func (f *srcFile) makeChan(root ast.Node, name string) (*ast.CallExpr, int) {
	var found *ast.CallExpr
	line := 0
	check := func(lhs ast.Expr, rhs ast.Expr) {
		if types.ExprString(lhs) != name {
			return
		}
		c, ok := ast.Unparen(rhs).(*ast.CallExpr)
		if !ok || !isIdentCall(c, "make") || len(c.Args) == 0 {
			return
		}
		if _, ok := c.Args[0].(*ast.ChanType); ok {
			found, line = c, f.lineOf(c.Pos())
		}
	}
	ast.Inspect(root, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i := range n.Lhs {
					check(n.Lhs[i], n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == len(n.Values) {
				for i := range n.Names {
					check(n.Names[i], n.Values[i])
				}
			}
		}
		return true
	})
	return found, line
}

// nilChanDecl finds "var name chan T" without a value in root.
func (f *srcFile) nilChanDecl(root ast.Node, name string) int {
	line := 0
	ast.Inspect(root, func(n ast.Node) bool {
		if line != 0 {
			return false
		}
		if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Values) == 0 {
			if _, isChan := vs.Type.(*ast.ChanType); isChan {
				for _, id := range vs.Names {
					if id.Name == name {
						line = f.lineOf(id.Pos())
					}
				}
			}
		}
		return true
	})
	return line
}

// calls returns the lines of every call recv.name(…) in root whose receiver
// text ends with recvSuffix (so "q.cond" matches "cond" and "s.q.cond"); an
// empty recvSuffix matches any receiver.
func (f *srcFile) calls(root ast.Node, recvSuffix string, names ...string) []int {
	var lines []int
	ast.Inspect(root, func(n ast.Node) bool {
		recv, name, ok := methodCall(n)
		if !ok {
			return true
		}
		if recvSuffix != "" && recv != recvSuffix && !strings.HasSuffix(recv, "."+recvSuffix) {
			return true
		}
		for _, want := range names {
			if name == want {
				lines = append(lines, f.lineOf(n.Pos()))
			}
		}
		return true
	})
	return lines
}

// lastName returns the last selector of an expression's text: "cond" for
// "q.cond", "mu" for "mu".
func lastName(expr string) string {
	if i := strings.LastIndexByte(expr, '.'); i >= 0 {
		return expr[i+1:]
	}
	return expr
}

// closes returns the lines of close(ch) calls in root.
func (f *srcFile) closes(root ast.Node, ch string) []int {
	var lines []int
	ast.Inspect(root, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && isIdentCall(c, "close") && len(c.Args) == 1 &&
			lastName(types.ExprString(c.Args[0])) == lastName(ch) {
			lines = append(lines, f.lineOf(c.Pos()))
		}
		return true
	})
	return lines
}

// timeoutSelect finds, in root, a select that receives from ch and also has
// a case that gives up (time.After, a timer, or a Done channel); it returns
// the select's line, 0 when there is none.
func (f *srcFile) timeoutSelect(root ast.Node, ch string) int {
	line := 0
	ast.Inspect(root, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectStmt)
		if !ok || line != 0 {
			return line == 0
		}
		readsCh, givesUp := false, false
		for _, st := range sel.Body.List {
			cc, ok := st.(*ast.CommClause)
			if !ok || cc.Comm == nil {
				continue
			}
			c, send := commChan(cc)
			if c == nil || send {
				continue
			}
			text := types.ExprString(c)
			switch {
			case text == ch:
				readsCh = true
			case strings.HasPrefix(text, "time.After") || strings.HasSuffix(text, ".C") ||
				strings.HasSuffix(text, ".Done()"):
				givesUp = true
			}
		}
		if readsCh && givesUp {
			line = f.lineOf(sel.Pos())
		}
		return true
	})
	return line
}

// uncancelled says why the context named ctx, defined in root, is never
// cancelled: it is Background/TODO, its cancel function is discarded, or
// its cancel function is never called. It returns "" when the source does
// not show it.
func (f *srcFile) uncancelled(root ast.Node, ctx string) string {
	why := ""
	ast.Inspect(root, func(n ast.Node) bool {
		if why != "" {
			return false
		}
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 || len(as.Lhs) == 0 || types.ExprString(as.Lhs[0]) != ctx {
			return true
		}
		c, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
		if !ok {
			return true
		}
		line := f.lineOf(as.Pos())
		switch {
		case isCallTo(c, "context", "Background") || isCallTo(c, "context", "TODO"):
			why = fmt.Sprintf("%s is %s at line %d, which is never cancelled", ctx, types.ExprString(c), line)
		case len(as.Lhs) == 2:
			cancel, ok := as.Lhs[1].(*ast.Ident)
			if !ok {
				return true
			}
			if cancel.Name == "_" {
				why = fmt.Sprintf("the cancel function of %s is discarded at line %d", ctx, line)
			} else if !identUsed(root, cancel.Name, as) {
				why = fmt.Sprintf("%s, the cancel function of %s from line %d, is never called", cancel.Name, ctx, line)
			}
		}
		return true
	})
	return why
}

// identUsed reports whether name appears in root outside the statement def.
func identUsed(root ast.Node, name string, def ast.Node) bool {
	used := false
	ast.Inspect(root, func(n ast.Node) bool {
		if used || n == def {
			return false
		}
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			used = true
		}
		return true
	})
	return used
}

// lockWithoutDefer returns the lines of mu.lock() calls in the file (mu
// matched by its text, "c.mu") whose function has no deferred mu.unlock().
func (f *srcFile) lockWithoutDefer(mu, lock, unlock string) []int {
	var lines []int
	var fns []ast.Node
	ast.Inspect(f.ast, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			fns = append(fns, n)
		}
		return true
	})
	for _, fn := range fns {
		var body *ast.BlockStmt
		switch fn := fn.(type) {
		case *ast.FuncDecl:
			body = fn.Body
		case *ast.FuncLit:
			body = fn.Body
		}
		if body == nil {
			continue
		}
		// Only the function's own statements: nested literals are visited
		// on their own.
		ast.Inspect(body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			if recv, name, ok := methodCall(n); ok && name == lock && recv == mu &&
				!deferredSuffix(body, lastName(mu), unlock) {
				lines = append(lines, f.lineOf(n.Pos()))
			}
			return true
		})
	}
	return lines
}

// deferredSuffix reports whether root defers x.name() where x's last name
// is recv, without looking into nested function literals.
func deferredSuffix(root ast.Node, recv, name string) bool {
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		if found {
			return false
		}
		if d, ok := n.(*ast.DeferStmt); ok {
			if r, m, ok := methodCall(d.Call); ok && lastName(r) == recv && m == name {
				found = true
			}
			// defer func() { … x.name() … }()
			if lit, ok := d.Call.Fun.(*ast.FuncLit); ok {
				ast.Inspect(lit.Body, func(n ast.Node) bool {
					if r, m, ok := methodCall(n); ok && lastName(r) == recv && m == name {
						found = true
					}
					return !found
				})
			}
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok && n != root {
			return false
		}
		return true
	})
	return found
}

// hasReturnBefore reports whether body holds a return statement before the
// given line (outside nested function literals).
func hasReturnBefore(f *srcFile, body *ast.BlockStmt, line int) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if r, ok := n.(*ast.ReturnStmt); ok && f.lineOf(r.Pos()) < line {
			found = true
		}
		return true
	})
	return found
}

// inspectPath walks root as ast.Inspect does, giving visit each node with
// the path of nodes from root down to it (the node last; visit must not
// keep the slice). visit returns whether to walk into the node's children.
func inspectPath(root ast.Node, visit func(n ast.Node, path []ast.Node) bool) {
	var path []ast.Node
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			path = path[:len(path)-1]
			return true
		}
		path = append(path, n)
		if !visit(n, path) {
			path = path[:len(path)-1]
			return false
		}
		return true
	})
}
