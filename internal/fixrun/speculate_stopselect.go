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

// stopSelectCandidates turn a blocked send into a select that also gives
// up when a channel the receiver closes on its way out is closed: the
// send waits for a receiver that has returned, and that receiver's
// function closes a channel when it does (`close(n.done)`, `defer
// close(stopped)`). This is the stop-channel strategy of published fixes
// of blocking sends, using a channel the code already closes rather than
// adding one. The send's function returns in the stop case (with zero
// results), since what follows the send expects it to have happened.
func (s *session) stopSelectCandidates(g *report.Group) []*candidate {
	f := g.Diagnosis.Facts
	if f.Op != "send" || !s.inModule(g.Block.File) {
		return nil
	}
	ps := parseFile(g.Block.File)
	if ps == nil {
		return nil
	}
	sendFn := ps.funcAt(g.Block.Line)
	send, ok := ps.stmtAt(sendFn, g.Block.Line).(*ast.SendStmt)
	if !ok {
		return nil
	}
	if c := ps.defaultSend(sendFn, send); c != nil {
		return []*candidate{c}
	}
	indent, ok := ps.indentOf(send)
	if !ok {
		return nil
	}
	ret, ok := ps.stopReturn(sendFn, send)
	if !ok {
		return nil
	}
	var cands []*candidate
	var seen []string
	for _, p := range f.Partners {
		if p.Kind != "receive" || !s.inModule(p.File) {
			continue
		}
		pr := parseFile(p.File)
		if pr == nil {
			continue
		}
		recvFn := pr.funcAt(p.Line)
		for _, stop := range closedIn(pr, recvFn) {
			stop = inScope(stop, recvFn, sendFn)
			if stop == "" || slices.Contains(seen, stop) || stop == ps.text(send.Chan) {
				continue
			}
			seen = append(seen, stop)
			var b strings.Builder
			fmt.Fprintf(&b, "select {\n%scase %s:\n%scase <-%s:\n", indent, ps.text(send), indent, stop)
			if ret != "" {
				fmt.Fprintf(&b, "%s\t%s\n", indent, ret)
			}
			b.WriteString(indent + "}")
			start, end := ps.offset(send.Pos()), ps.offset(send.End())
			line := ps.line(send.Pos())
			cands = append(cands, &candidate{
				summary: fmt.Sprintf("send on %s in a select that gives up when %s is closed, which the receiver (%s:%d) closes on its way out",
					ps.text(send.Chan), stop, filepath.Base(p.File), p.Line),
				from:  speculativeFrom,
				edits: []report.Edit{{File: ps.name, Start: start, End: end, Line: line, EndLine: line, Old: ps.text(send), New: b.String()}},
				lines: []string{fmt.Sprintf("%s → select { case %s: case <-%s: }", ps.text(send), ps.text(send), stop)},
			})
			if len(cands) == maxContextCandidates {
				return cands
			}
		}
	}
	return cands
}

// closedIn lists the channels fn closes, as written: close(x) and defer
// close(x), function literals inside it left out.
func closedIn(p *parsedFile, fn ast.Node) []string {
	var out []string
	body := funcBody(fn)
	if body == nil {
		return nil
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return true
		}
		if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "close" {
			out = appendOnce(out, p.text(call.Args[0]))
		}
		return true
	})
	return out
}

// inScope rewrites x, an expression of function from, for function to:
// a field of from's receiver becomes the same field of to's receiver when
// both are methods of one type; an expression of from is kept as is when
// to is a function literal inside from. "" when neither holds.
func inScope(x string, from, to ast.Node) string {
	root, rest, _ := strings.Cut(x, ".")
	if fd, ok := from.(*ast.FuncDecl); ok && rest != "" {
		if recv, typ := receiver(fd); recv == root {
			if td, ok := to.(*ast.FuncDecl); ok {
				if r, t := receiver(td); t == typ && r != "" && r != "_" {
					return r + "." + rest
				}
			}
			return ""
		}
	}
	if lit, ok := to.(*ast.FuncLit); ok && from.Pos() <= lit.Pos() && lit.End() <= from.End() && declaredBefore(from, root, lit.Pos()) {
		return x
	}
	return ""
}

// declaredBefore reports whether name is a parameter of fn or declared in
// its body before pos: a closure at pos can use it.
func declaredBefore(fn ast.Node, name string, pos token.Pos) bool {
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		if found || n == nil || n.Pos() >= pos {
			return false
		}
		var ids []*ast.Ident
		switch n := n.(type) {
		case *ast.Field:
			ids = n.Names
		case *ast.ValueSpec:
			ids = n.Names
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, e := range n.Lhs {
					if id, ok := e.(*ast.Ident); ok {
						ids = append(ids, id)
					}
				}
			}
		}
		for _, id := range ids {
			found = found || id.Name == name
		}
		return true
	})
	return found
}

// receiver is a method's receiver name and type name ("n", "node").
func receiver(fd *ast.FuncDecl) (name, typ string) {
	if fd.Recv == nil || len(fd.Recv.List) != 1 || len(fd.Recv.List[0].Names) != 1 {
		return "", ""
	}
	t := fd.Recv.List[0].Type
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	id, ok := t.(*ast.Ident)
	if !ok {
		return "", ""
	}
	return fd.Recv.List[0].Names[0].Name, id.Name
}

// stopReturn is the statement that leaves fn in the stop case: "" when
// the send is the last statement of fn's body (the select then ends it),
// "return" with zero values of fn's results otherwise. ok is false when
// a result's zero value cannot be written from the syntax.
func (p *parsedFile) stopReturn(fn ast.Node, send ast.Stmt) (string, bool) {
	body := funcBody(fn)
	if body == nil {
		return "", false
	}
	if len(body.List) > 0 && body.List[len(body.List)-1] == send {
		return "", true
	}
	var ft *ast.FuncType
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		ft = fn.Type
	case *ast.FuncLit:
		ft = fn.Type
	}
	if ft.Results == nil || len(ft.Results.List) == 0 || len(ft.Results.List[0].Names) > 0 {
		return "return", true // no results, or named ones
	}
	var zeros []string
	for _, r := range ft.Results.List {
		z := p.zeroValue(r.Type)
		if z == "" {
			return "", false
		}
		zeros = append(zeros, z)
	}
	return "return " + strings.Join(zeros, ", "), true
}

// zeroValue writes the zero value of a type expression: a literal for the
// basic types, nil for the types whose zero is nil, T{} for a struct type
// the file declares; "" when the syntax does not say.
func (p *parsedFile) zeroValue(t ast.Expr) string {
	switch t := t.(type) {
	case *ast.StarExpr, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.InterfaceType:
		return "nil"
	case *ast.ArrayType:
		if t.Len == nil {
			return "nil"
		}
	case *ast.Ident:
		switch t.Name {
		case "bool":
			return "false"
		case "string":
			return `""`
		case "error", "any":
			return "nil"
		case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr",
			"float32", "float64", "complex64", "complex128", "byte", "rune":
			return "0"
		}
		for _, d := range p.f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, sp := range gd.Specs {
				if ts, ok := sp.(*ast.TypeSpec); ok && ts.Name.Name == t.Name {
					if _, ok := ts.Type.(*ast.StructType); ok {
						return t.Name + "{}"
					}
				}
			}
		}
	}
	return ""
}

// defaultSend is the candidate for a send that is the whole default
// branch of a select whose other cases wait to stop: the select checks
// the stop channel once, then the send waits with no way out. The send
// becomes a case of that select in place of the default, so the stop
// case is waited on together with it. nil when send is not that.
func (p *parsedFile) defaultSend(fn ast.Node, send *ast.SendStmt) *candidate {
	var clause *ast.CommClause
	ast.Inspect(funcBody(fn), func(n ast.Node) bool {
		if cc, ok := n.(*ast.CommClause); ok && cc.Comm == nil && len(cc.Body) == 1 && cc.Body[0] == ast.Stmt(send) {
			clause = cc
		}
		return clause == nil
	})
	if clause == nil {
		return nil
	}
	// The clause runs from "default:" to the end of the send: it becomes
	// "case <send>:".
	start, end := p.offset(clause.Pos()), p.offset(send.End())
	line, last := p.line(clause.Pos()), p.line(send.End())
	old := string(p.src[start:end])
	return &candidate{
		summary: fmt.Sprintf("make %s a case of the select at %s:%d instead of its default, so it is waited on together with the other cases",
			p.text(send), filepath.Base(p.name), line),
		from:  speculativeFrom,
		edits: []report.Edit{{File: p.name, Start: start, End: end, Line: line, EndLine: last, Old: old, New: "case " + p.text(send) + ":"}},
		lines: []string{fmt.Sprintf("default: %s → case %s:", p.text(send), p.text(send))},
	}
}
