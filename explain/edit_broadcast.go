package explain

import (
	"fmt"
	"go/ast"
	"go/types"

	"github.com/leakhound/leakhound/report"
)

// broadcastForMixedWaiters replaces Signal with Broadcast on a Cond whose
// waiters wait for different things: Signal wakes one waiter, which may be
// one whose condition is still false, and the one whose condition came
// true sleeps on. It applies when the group waits in a loop that rechecks
// a condition on a parameter of its function (each caller waits for its
// own), that function is started by more than one go statement (or one in
// a loop), and the Cond is only ever signalled, never broadcast. With
// every waiter rechecking in its loop, Broadcast wakes the right one and
// sends the others back to wait: nothing else changes.
func (e *editor) broadcastForMixedWaiters() (*report.Suggestion, string) {
	w := e.d.waitFor(e.g)
	if w == nil || len(w.objs) == 0 || e.s.decl == nil || e.s.fn != ast.Node(e.s.decl) || e.s.loops == 0 {
		return nil, ""
	}
	loop := innermostLoop(e.s)
	if loop == nil || !mentionsParam(loop, e.s.decl) {
		return nil, ""
	}
	info := e.d.packageTypes(e.s.file)
	if info == nil || e.startsOf(info, e.s.decl) < 2 {
		return nil, ""
	}
	var edits []report.Edit
	var lines []int
	for _, o := range w.partners(w.objs[0]) {
		if o.kind != opSignal {
			return nil, ""
		}
		s := o.file.locate(o.line)
		if s == nil {
			return nil, ""
		}
		call, ok := s.onLine(func(n ast.Node) bool { _, name, ok := methodCall(n); return ok && name == "Signal" }).(*ast.CallExpr)
		if !ok {
			return nil, ""
		}
		sel := call.Fun.(*ast.SelectorExpr).Sel
		at := o.file.posOffset(sel.Pos())
		edits = append(edits, newEdit(o.file, at, at+len("Signal"), "Broadcast"))
		lines = append(lines, o.line)
	}
	if len(edits) == 0 {
		return nil, ""
	}
	cond := w.objs[0].text
	e.fix = fmt.Sprintf("Broadcast instead of Signal at line %s: the goroutines in %s wait for different "+
		"conditions, and Signal can wake one whose condition is still false while this one sleeps on",
		joinInts(lines), funcName(e.s.decl, e.s.decl))
	return &report.Suggestion{
		Summary: fmt.Sprintf("%s.Broadcast() instead of Signal, so every waiter rechecks its own condition", cond),
		Edits:   edits,
	}, ""
}

// innermostLoop returns the innermost for or range statement around the
// site, nil when there is none.
func innermostLoop(s *site) ast.Node {
	for i := len(s.path) - 1; i >= 0; i-- {
		switch n := s.path[i].(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return n
		case *ast.FuncLit:
			return nil
		}
	}
	return nil
}

// mentionsParam reports whether an if condition (or its init) in root
// names a parameter of decl.
func mentionsParam(root ast.Node, decl *ast.FuncDecl) bool {
	params := map[string]bool{}
	for _, f := range decl.Type.Params.List {
		for _, n := range f.Names {
			params[n.Name] = true
		}
	}
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		is, ok := n.(*ast.IfStmt)
		if !ok || found {
			return !found
		}
		for _, part := range []ast.Node{is.Init, is.Cond} {
			if part == nil {
				continue
			}
			ast.Inspect(part, func(x ast.Node) bool {
				if id, ok := x.(*ast.Ident); ok && params[id.Name] {
					found = true
				}
				return !found
			})
		}
		return !found
	})
	return found
}

// startsOf counts the go statements of decl's package that start decl,
// resolved by types; one in a loop counts two (it may run more than once).
func (e *editor) startsOf(info *types.Info, decl *ast.FuncDecl) int {
	obj := info.Defs[decl.Name]
	if obj == nil {
		return 0
	}
	n := 0
	for _, pf := range e.d.pkgFiles(e.s.file) {
		var loops []ast.Node
		ast.Inspect(pf.ast, func(x ast.Node) bool {
			if x == nil {
				return true
			}
			switch x := x.(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				loops = append(loops, x)
			case *ast.GoStmt:
				if calleeObj(info, x.Call) == obj {
					n++
					for _, l := range loops {
						if l.Pos() < x.Pos() && x.End() <= l.End() {
							n++
							break
						}
					}
				}
			}
			return true
		})
	}
	return n
}
