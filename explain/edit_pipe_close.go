package explain

import (
	"fmt"
	"go/ast"
	"go/types"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// deferPipeClose closes an io.Pipe's writer on every exit of the function
// that made it: the group reads the pipe (io.(*pipe).read is on its stack)
// in a goroutine its creator started with the reader, and the creator
// returns on a path that never closes the writer, so the read waits
// forever. `defer pw.Close()` right after io.Pipe() ends the read with
// io.EOF on every exit; a CloseWithError already made keeps its error (a
// pipe keeps the first). It applies when the writer is used only by the
// creator itself (passed to calls or closed), never by a goroutine, a
// closure or a return.
func (e *editor) deferPipeClose() (*report.Suggestion, string) {
	if e.g.Stack == nil || !stackHas(e.g.Stack.Frames, "io.(*pipe).read") {
		return nil, ""
	}
	cs := e.creatorSite()
	if cs == nil {
		return nil, ""
	}
	gs, ok := cs.onLine(func(n ast.Node) bool { _, ok := n.(*ast.GoStmt); return ok }).(*ast.GoStmt)
	body := funcBody(cs.fn)
	info := e.d.packageTypes(cs.file)
	if !ok || body == nil || info == nil {
		return nil, ""
	}
	f := cs.file
	for _, st := range body.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 || as.Pos() > gs.Pos() || !f.alone(as) {
			continue
		}
		c, ok := as.Rhs[0].(*ast.CallExpr)
		pr, ok1 := as.Lhs[0].(*ast.Ident)
		pw, ok2 := as.Lhs[1].(*ast.Ident)
		if !ok || !ok1 || !ok2 || !isCallTo(c, "io", "Pipe") || !identUsed(gs, pr.Name, nil) {
			continue
		}
		w := objectOf(info, pw)
		if w == nil {
			return nil, ""
		}
		if why := writerEscapes(info, f, body, w); why != "" {
			return nil, why
		}
		e.fix = fmt.Sprintf("defer %s.Close() right after io.Pipe() (line %d): %s can return without closing the "+
			"pipe's writer, and the goroutine reading %s waits for it", pw.Name, f.lineOf(as.Pos()),
			funcName(cs.decl, cs.fn), pr.Name)
		return &report.Suggestion{
			Summary: fmt.Sprintf("defer %s.Close() after io.Pipe(), so every exit of %s ends the read of %s", pw.Name,
				funcName(cs.decl, cs.fn), pr.Name),
			Edits: []report.Edit{f.insertAfter(as, "defer "+pw.Name+".Close()")},
		}, ""
	}
	return nil, ""
}

// stackHas reports whether a frame of frames is the function fn.
func stackHas(frames []profile.Frame, fn string) bool {
	for _, f := range frames {
		if f.Func == fn {
			return true
		}
	}
	return false
}

// writerEscapes says how the pipe writer w leaves the function body, ""
// when every use is a call's argument, a method call on it, or a defer of
// one: a goroutine, a closure, a return, an assignment or a send could
// write after the function's deferred close.
func writerEscapes(info *types.Info, f *srcFile, body *ast.BlockStmt, w types.Object) string {
	why := ""
	inspectPath(body, func(n ast.Node, stack []ast.Node) bool {
		if why != "" {
			return false
		}
		id, ok := n.(*ast.Ident)
		if !ok || info.Uses[id] != w || len(stack) < 2 {
			return true
		}
		for _, up := range stack {
			switch up.(type) {
			case *ast.FuncLit, *ast.GoStmt:
				why = fmt.Sprintf("%s is used at line %d by code that may run after the function returns", id.Name,
					f.lineOf(id.Pos()))
				return false
			}
		}
		switch p := stack[len(stack)-2].(type) {
		case *ast.CallExpr:
			if p.Fun != id {
				return true
			}
		case *ast.SelectorExpr:
			return true
		}
		why = fmt.Sprintf("%s leaves the function at line %d", id.Name, f.lineOf(id.Pos()))
		return false
	})
	return why
}
