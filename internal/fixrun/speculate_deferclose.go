package fixrun

import (
	"fmt"
	"go/ast"
	"go/token"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// deferCloseCandidates close the channel a goroutine waits to receive
// from on every way out of the function that should close it: the
// function that closes it on one path only (closeOnEveryPath), or the
// goroutine the channel is handed to at a go statement when nothing
// closes it at all (a defer close of its parameter). A receive that
// waits for a close which a return skipped is the commonest missing-close
// bug.
func (s *session) deferCloseCandidates(g *report.Group) []*candidate {
	f := g.Diagnosis.Facts
	if f.Op != "receive" && f.Op != "range" {
		return nil
	}
	var cands []*candidate
	closes := 0
	for _, pt := range f.Partners {
		if pt.Kind != "close" {
			continue
		}
		closes++
		if !s.inModule(pt.File) {
			continue
		}
		if c := closeOnEveryPath(parseFile(pt.File), pt.Line); c != nil {
			cands = append(cands, c)
		}
	}
	if closes == 0 && f.Make != nil && s.inModule(f.Make.File) && f.Make.File == g.Block.File {
		if c := closeInCallee(parseFile(f.Make.File), g.Block.Line, f.Object); c != nil {
			cands = append(cands, c)
		}
	}
	return cands
}

// closeOnEveryPath makes the close statement at line run on the
// function's other ways out too: a close before each return that comes
// before it (the early exits that skip it), or, when it is the function's
// last statement and nothing returns early, a defer of it, which also
// covers a panic. nil when the close is not one of the body's own
// statements (a close inside an if or a loop is meant for that path
// only), or neither applies. A close that is followed by more work is
// never deferred: that work (a Wait for the goroutines the close ends)
// would then wait for it.
func closeOnEveryPath(p *parsedFile, line int) *candidate {
	if p == nil {
		return nil
	}
	fn := p.funcAt(line)
	body := funcBody(fn)
	es, ok := p.stmtAt(fn, line).(*ast.ExprStmt)
	if !ok || body == nil || closeArg(es.X) == "" || !slices.Contains(body.List, ast.Stmt(es)) {
		return nil
	}
	if _, ok := p.indentOf(es); !ok {
		return nil
	}
	text := p.text(es)
	// The returns that skip the close lie between the channel's
	// declaration (when the body declares it) and the close.
	root, _, _ := strings.Cut(closeArg(es.X), ".")
	top := 0
	for i, st := range body.List {
		if declares(st, root) {
			top = i + 1
		}
	}
	from := body.Pos()
	if top > 0 {
		from = body.List[top-1].End()
	}
	var early []*ast.ReturnStmt
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if from < n.Pos() && n.Pos() < es.Pos() {
				early = append(early, n)
			}
		}
		return true
	})
	if len(early) > 0 {
		c := &candidate{
			summary: fmt.Sprintf("%s before each return that skips the one at %s:%d, so every way out closes it", text, filepath.Base(p.name), line),
			from:    speculativeFrom,
		}
		for _, r := range early {
			indent, ok := p.indentOf(r)
			if !ok {
				return nil
			}
			at, l := p.offset(r.Pos()), p.line(r.Pos())
			c.edits = append(c.edits, report.Edit{File: p.name, Start: at, End: at, Line: l, EndLine: l, New: text + "\n" + indent})
			c.lines = append(c.lines, fmt.Sprintf("+ %s (before the return at line %d)", text, l))
		}
		return c
	}
	if body.List[len(body.List)-1] != ast.Stmt(es) {
		return nil // work follows the close: a defer would move the close after it
	}
	// The defer goes first in the body, or right after the statement
	// that declares the channel's variable when the body does.
	if body.List[top] == ast.Stmt(es) {
		return nil
	}
	indent, ok := p.indentOf(body.List[top])
	if !ok {
		return nil
	}
	at := p.offset(body.List[top].Pos())
	first := p.line(body.List[top].Pos())
	return &candidate{
		summary: fmt.Sprintf("defer %s instead of closing at the end (%s:%d), so a panic or a later return still closes it", text, filepath.Base(p.name), line),
		from:    speculativeFrom,
		edits: []report.Edit{
			{File: p.name, Start: at, End: at, Line: first, EndLine: first, New: "defer " + text + "\n" + indent},
			p.deleteStmt(es),
		},
		lines: []string{"+ defer " + text, "- " + text},
	}
}

// closeArg is x's text when e is close(x), else "".
func closeArg(e ast.Expr) string {
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return ""
	}
	if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "close" {
		return ""
	}
	return plainExpr(call.Args[0])
}

// plainExpr is the text of a plain identifier or selector expression, ""
// for anything else.
func plainExpr(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		if x := plainExpr(e.X); x != "" {
			return x + "." + e.Sel.Name
		}
	}
	return ""
}

// closeInCallee finds, in the function blocked at line, a go statement
// that hands the channel ch to a function of the package as an argument,
// and defers close of that parameter at the top of the function, when it
// never closes it.
func closeInCallee(p *parsedFile, line int, ch string) *candidate {
	if p == nil || ch == "" {
		return nil
	}
	fn := p.funcAt(line)
	var gs *ast.GoStmt
	arg := -1
	ast.Inspect(funcBody(fn), func(n ast.Node) bool {
		if gs != nil {
			return false
		}
		if st, ok := n.(*ast.GoStmt); ok {
			for i, a := range st.Call.Args {
				if plainExpr(a) == ch {
					gs, arg = st, i
				}
			}
		}
		return true
	})
	if gs == nil {
		return nil
	}
	var name string
	switch fun := gs.Call.Fun.(type) {
	case *ast.Ident:
		name = fun.Name
	case *ast.SelectorExpr:
		name = fun.Sel.Name
	default:
		return nil
	}
	others, err := filepath.Glob(filepath.Join(filepath.Dir(p.name), "*.go"))
	if err != nil {
		return nil
	}
	var callee *ast.FuncDecl
	var cp *parsedFile
	for _, o := range others {
		q := parseFile(o)
		if q == nil {
			continue
		}
		for _, d := range q.f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Name.Name != name || fd.Body == nil || len(fd.Body.List) == 0 || (fd.Recv != nil) != isSelector(gs.Call.Fun) {
				continue
			}
			if callee != nil {
				return nil // two functions of that name: which one runs is not in the syntax
			}
			callee, cp = fd, q
		}
	}
	if callee == nil {
		return nil
	}
	param := nthParam(callee.Type, arg)
	if param == nil || param.name == "" || param.name == "_" {
		return nil
	}
	if ct, ok := param.typ.(*ast.ChanType); !ok || ct.Dir == ast.RECV {
		return nil
	}
	closed := false
	ast.Inspect(callee.Body, func(n ast.Node) bool {
		if call, ok := n.(ast.Expr); ok && closeArg(call) == param.name {
			closed = true
		}
		return !closed
	})
	if closed {
		return nil
	}
	first := callee.Body.List[0]
	indent, ok := cp.indentOf(first)
	if !ok {
		return nil
	}
	at, l := cp.offset(first.Pos()), cp.line(first.Pos())
	stop := "close(" + param.name + ")"
	return &candidate{
		summary: fmt.Sprintf("defer %s in %s, which %s is handed to at %s:%d and which never closes it, so its return releases the receiver",
			stop, name, ch, filepath.Base(p.name), p.line(gs.Pos())),
		from:  speculativeFrom,
		edits: []report.Edit{{File: cp.name, Start: at, End: at, Line: l, EndLine: l, New: "defer " + stop + "\n" + indent}},
		lines: []string{"+ defer " + stop},
	}
}

// isSelector reports whether e is x.f.
func isSelector(e ast.Expr) bool {
	_, ok := e.(*ast.SelectorExpr)
	return ok
}

// param is one parameter of a function type.
type param struct {
	name string
	typ  ast.Expr
}

// nthParam is the i-th parameter of ft (0-based), nil when there is none
// or it is variadic.
func nthParam(ft *ast.FuncType, i int) *param {
	if ft.Params == nil {
		return nil
	}
	k := 0
	for _, field := range ft.Params.List {
		names := field.Names
		if len(names) == 0 {
			names = []*ast.Ident{{Name: ""}}
		}
		for _, n := range names {
			if k == i {
				if _, ok := field.Type.(*ast.Ellipsis); ok {
					return nil
				}
				return &param{name: n.Name, typ: field.Type}
			}
			k++
		}
	}
	return nil
}

// declares reports whether st declares the variable name: name := …, or
// var name ….
func declares(st ast.Stmt, name string) bool {
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok == token.DEFINE {
			for _, e := range st.Lhs {
				if id, ok := e.(*ast.Ident); ok && id.Name == name {
					return true
				}
			}
		}
	case *ast.DeclStmt:
		if gd, ok := st.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, sp := range gd.Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok {
					for _, n := range vs.Names {
						if n.Name == name {
							return true
						}
					}
				}
			}
		}
	}
	return false
}
