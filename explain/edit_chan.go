package explain

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/srcfile"
	"github.com/leakhound/leakhound/report"
)

// bufferChannel gives the channel a send blocks on the buffer its senders
// need: one slot per goroutine that sends on it, so none of them waits for
// a receiver that has gone. It applies when the channel is a local made
// unbuffered in the same function, every send on it is the single send of
// a goroutine started there, and the number of those goroutines can be
// written down (one per go statement, times len(x) or n for a go statement
// in a loop over x or n).
func (e *editor) bufferChannel(send *ast.SendStmt) (*report.Suggestion, string) {
	s := e.s
	id, ok := send.Chan.(*ast.Ident)
	if !ok || s.decl == nil {
		return nil, ""
	}
	ch := id.Name
	mk, _ := s.file.makeChan(s.decl, ch)
	if mk == nil {
		return nil, fmt.Sprintf("%s is not made in %s, so its senders cannot be counted", ch, s.decl.Name.Name)
	}
	if len(mk.Args) != 1 {
		return nil, fmt.Sprintf("%s already has a buffer of %s", ch, types.ExprString(mk.Args[1]))
	}
	senders, why := e.countSenders(ch, mk)
	if why != "" {
		return nil, why
	}
	rparen := s.file.posOffset(mk.Rparen)
	edits := []report.Edit{newEdit(s.file, rparen, rparen, ", "+senders)}
	plural := "the goroutine that sends"
	if senders != "1" {
		plural = fmt.Sprintf("the %s goroutines that send", senders)
	}
	names := []string{ch}
	// The same goroutine's sends on other local channels wait for the same
	// receiver: when it gives up, they block as well.
	if lit := enclosingGoLiteral(s.decl.Body, send); lit != nil {
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			other, ok := n.(*ast.SendStmt)
			if !ok {
				return true
			}
			oid, ok := other.Chan.(*ast.Ident)
			if !ok || slices.Contains(names, oid.Name) {
				return true
			}
			omk, _ := s.file.makeChan(s.decl, oid.Name)
			if omk == nil || len(omk.Args) != 1 {
				return true
			}
			if n, why := e.countSenders(oid.Name, omk); why == "" {
				at := s.file.posOffset(omk.Rparen)
				edits = append(edits, newEdit(s.file, at, at, ", "+n))
				names = append(names, oid.Name)
			}
			return true
		})
	}
	on := "it"
	if len(names) > 1 {
		on = "them"
	}
	return &report.Suggestion{
		Summary: fmt.Sprintf("buffer %s for %s on %s, so none waits for a receiver that has gone",
			strings.Join(names, " and "), plural, on),
		Edits: edits,
	}, ""
}

// enclosingGoLiteral returns the function literal of the go statement in
// root whose body holds n, nil when there is none.
func enclosingGoLiteral(root ast.Node, n ast.Node) *ast.FuncLit {
	var found *ast.FuncLit
	ast.Inspect(root, func(c ast.Node) bool {
		if c == nil || c.Pos() > n.Pos() || c.End() < n.End() {
			return false
		}
		if gs, ok := c.(*ast.GoStmt); ok {
			if lit, ok := gs.Call.Fun.(*ast.FuncLit); ok {
				found = lit
			}
		}
		return true
	})
	return found
}

// countSenders counts the goroutines sending on the local channel ch in
// the site's top-level function, as Go text ("1", "len(ix.Shards)",
// "p.Workers + 1"). It returns why not when the count is not certain.
func (e *editor) countSenders(ch string, mk *ast.CallExpr) (string, string) {
	s := e.s
	info := e.d.packageTypes(s.file)
	var terms []string
	constant := 0
	why := ""
	// Walk with the path of enclosing nodes, to see loops and go statements.
	inspectPath(s.decl.Body, func(n ast.Node, stack []ast.Node) bool {
		if why != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			if isIdentCall(n, "len") || isIdentCall(n, "cap") {
				if len(n.Args) == 1 && types.ExprString(n.Args[0]) == ch {
					why = fmt.Sprintf("%s's length or capacity is read, which a buffer would change", ch)
				}
			}
		case *ast.SendStmt:
			if types.ExprString(n.Chan) != ch {
				return true
			}
			term, w := senderTerm(stack, info, mk)
			if w != "" {
				why = w
				return false
			}
			if term == "1" {
				constant++
			} else {
				terms = append(terms, term)
			}
		}
		return true
	})
	if why != "" {
		return "", why
	}
	if constant > 0 || len(terms) == 0 {
		terms = append(terms, strconv.Itoa(constant))
	}
	return strings.Join(terms, " + "), ""
}

// senderTerm says how many goroutines run the send at the end of stack
// (the nodes from the function body down to it): the send must be in a
// goroutine's function literal, outside loops inside it, and that go
// statement in at most one loop with a count that can be written down
// (loops around the make of the channel, mk, do not count).
func senderTerm(stack []ast.Node, info *types.Info, mk *ast.CallExpr) (string, string) {
	goAt := -1
	for i := len(stack) - 1; i >= 0; i-- {
		if lit, ok := stack[i].(*ast.FuncLit); ok {
			if i > 0 {
				if call, ok := stack[i-1].(*ast.CallExpr); ok && call.Fun == lit && i > 1 {
					if _, ok := stack[i-2].(*ast.GoStmt); ok {
						goAt = i - 2
					}
				}
			}
			break
		}
		switch stack[i].(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return "", "a goroutine sends in a loop, so how many values go unread is not known"
		}
	}
	if goAt < 0 {
		return "", "a send on the channel is not the body of a go statement, so its senders cannot be counted"
	}
	var loops []ast.Node
	for _, n := range stack[:goAt] {
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			// A loop that also makes the channel makes one per turn.
			if n.Pos() > mk.Pos() || n.End() < mk.End() {
				loops = append(loops, n)
			}
		case *ast.FuncLit:
			return "", "the go statement sits in a nested function, so how often it runs is not known"
		}
	}
	switch len(loops) {
	case 0:
		return "1", ""
	case 1:
		if n := loopCount(loops[0], info); n != "" {
			return n, ""
		}
		return "", "the go statement is in a loop whose number of turns cannot be written down"
	}
	return "", "the go statement is in nested loops"
}

// loopCount returns Go text for the number of turns of a loop: len(x) for
// a range over a slice, array, map or string x, n for a range over an
// integer n or for i := 0; i < n; i++. It returns "" otherwise, and for
// operands with calls (evaluating them again could differ).
func loopCount(loop ast.Node, info *types.Info) string {
	switch l := loop.(type) {
	case *ast.RangeStmt:
		if !pureExpr(l.X) {
			return ""
		}
		t := typeOf(info, l.X)
		if t == nil {
			return ""
		}
		x := types.ExprString(l.X)
		switch u := t.Underlying().(type) {
		case *types.Basic:
			if u.Info()&types.IsInteger != 0 {
				return x
			}
		case *types.Slice, *types.Array, *types.Map:
			return "len(" + x + ")"
		case *types.Pointer:
			if _, ok := u.Elem().Underlying().(*types.Array); ok {
				return "len(" + x + ")"
			}
		}
	case *ast.ForStmt:
		init, ok := l.Init.(*ast.AssignStmt)
		if !ok || len(init.Lhs) != 1 || len(init.Rhs) != 1 || types.ExprString(init.Rhs[0]) != "0" {
			return ""
		}
		i := types.ExprString(init.Lhs[0])
		cond, ok := l.Cond.(*ast.BinaryExpr)
		if !ok || cond.Op != token.LSS || types.ExprString(cond.X) != i || !pureExpr(cond.Y) {
			return ""
		}
		post, ok := l.Post.(*ast.IncDecStmt)
		if !ok || post.Tok != token.INC || types.ExprString(post.X) != i {
			return ""
		}
		return types.ExprString(cond.Y)
	}
	return ""
}

// pureExpr reports whether e is names, selectors and literals only.
func pureExpr(e ast.Expr) bool {
	pure := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.CallExpr, *ast.UnaryExpr, *ast.IndexExpr, *ast.FuncLit:
			pure = false
		}
		return pure
	})
	return pure
}

// ctxInScope is a context the code at the site can watch: its Go text
// ("ctx", "r.Context()") and where it comes from.
type ctxInScope struct {
	expr, origin string
}

// contextInScope finds a context visible at the site: a context.Context
// parameter or variable of an enclosing function declared before the
// line, r.Context() of an *http.Request parameter, or t.Context() of a
// test's *testing.T. Contexts made with context.Background, TODO or
// WithoutCancel are never offered: nothing cancels them.
func (e *editor) contextInScope() (ctxInScope, bool) {
	s := e.s
	at := s.file.tok.LineStart(s.line)
	for i := len(s.path) - 1; i >= 0; i-- {
		var ft *ast.FuncType
		var body *ast.BlockStmt
		switch fn := s.path[i].(type) {
		case *ast.FuncLit:
			ft, body = fn.Type, fn.Body
		case *ast.FuncDecl:
			ft, body = fn.Type, fn.Body
		default:
			continue
		}
		if c, ok := localContext(body, at); ok {
			return c, true
		}
		if ft.Params == nil {
			continue
		}
		index := -1
		for _, p := range ft.Params.List {
			typ := types.ExprString(p.Type)
			for _, name := range p.Names {
				index++
				if name.Name == "_" {
					continue
				}
				switch typ {
				case "context.Context":
					if s.path[i] == s.fn && e.callerPassesBackground(index) {
						e.noCtx = fmt.Sprintf("the caller passes context.Background() as %s, which nothing cancels: "+
							"pass a context its owner cancels (tests: t.Context())", name.Name)
						return ctxInScope{}, false
					}
					return ctxInScope{name.Name, "the parameter " + name.Name}, true
				case "*http.Request":
					return ctxInScope{name.Name + ".Context()", "the request's context"}, true
				case "*testing.T", "*testing.B", "*testing.F", "testing.TB":
					return ctxInScope{name.Name + ".Context()", "the test's context"}, true
				}
			}
		}
	}
	return ctxInScope{}, false
}

// callerPassesBackground reports whether the caller of the blocking
// function, as the stack shows it, passes context.Background() or TODO()
// as its parameter number index: a Done case on it would never fire.
func (e *editor) callerPassesBackground(index int) bool {
	decl, ok := e.s.fn.(*ast.FuncDecl)
	if !ok || e.g.Stack == nil || e.d.src == nil {
		return false
	}
	frames := e.g.Stack.Frames
	bi := report.BlockIndex(frames)
	if bi < 0 || bi+1 >= len(frames) {
		return false
	}
	caller := frames[bi+1]
	cf := e.d.src.file(caller.File)
	if cf == nil {
		return false
	}
	cs := cf.locate(caller.Line)
	if cs == nil {
		return false
	}
	n := cs.onLine(func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return false
		}
		switch fun := c.Fun.(type) {
		case *ast.Ident:
			return fun.Name == decl.Name.Name
		case *ast.SelectorExpr:
			return fun.Sel.Name == decl.Name.Name
		}
		return false
	})
	if n == nil || index >= len(n.(*ast.CallExpr).Args) {
		return false
	}
	arg, ok := n.(*ast.CallExpr).Args[index].(*ast.CallExpr)
	return ok && (isCallTo(arg, "context", "Background") || isCallTo(arg, "context", "TODO"))
}

// localContext finds a context variable defined in body (not in nested
// functions) before at, from a context.With… call that can be cancelled
// or from a request's or test's Context().
func localContext(body *ast.BlockStmt, at token.Pos) (ctxInScope, bool) {
	var found ctxInScope
	ok := false
	ast.Inspect(body, func(n ast.Node) bool {
		if _, lit := n.(*ast.FuncLit); lit {
			return false
		}
		as, isAssign := n.(*ast.AssignStmt)
		if !isAssign || as.Pos() >= at || len(as.Rhs) != 1 || len(as.Lhs) == 0 {
			return true
		}
		id, isIdent := as.Lhs[0].(*ast.Ident)
		c, isCall := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
		if !isIdent || !isCall || id.Name == "_" {
			return true
		}
		switch {
		case isCallTo(c, "context", "WithCancel"), isCallTo(c, "context", "WithTimeout"),
			isCallTo(c, "context", "WithDeadline"), isCallTo(c, "context", "WithCancelCause"),
			isCallTo(c, "context", "WithTimeoutCause"), isCallTo(c, "context", "WithDeadlineCause"),
			isCallTo(c, "signal", "NotifyContext"):
			found, ok = ctxInScope{id.Name, fmt.Sprintf("%s from %s", id.Name, types.ExprString(c.Fun))}, true
		default:
			if _, name, isMethod := methodCall(c); isMethod && name == "Context" && len(c.Args) == 0 {
				found, ok = ctxInScope{id.Name, id.Name + " from " + types.ExprString(c)}, true
			}
		}
		return true
	})
	return found, ok
}

// returnText is the return statement that leaves the function around the
// site when its context is cancelled: bare for no results or named ones,
// zero values otherwise, ctx.Err() for a last result of type error. ""
// when a result's zero value is not known.
func (e *editor) returnText(ctx string) string {
	var ft *ast.FuncType
	switch fn := e.s.fn.(type) {
	case *ast.FuncLit:
		ft = fn.Type
	case *ast.FuncDecl:
		ft = fn.Type
	}
	if ft.Results == nil || len(ft.Results.List) == 0 || len(ft.Results.List[0].Names) > 0 {
		return "return"
	}
	info := e.d.packageTypes(e.s.file)
	var vals []string
	n := ft.Results.NumFields()
	for _, field := range ft.Results.List {
		count := max(1, len(field.Names))
		for range count {
			if len(vals) == n-1 && types.ExprString(field.Type) == "error" {
				vals = append(vals, ctx+".Err()")
				continue
			}
			t := typeOf(info, field.Type)
			if t == nil {
				return ""
			}
			z := zeroValue(t)
			if z == "" {
				return ""
			}
			vals = append(vals, z)
		}
	}
	return "return " + strings.Join(vals, ", ")
}

// wrapInSelect puts a bare send or receive in a select that also returns
// when the context in scope is cancelled. op is the *ast.SendStmt or the
// receive *ast.UnaryExpr.
func (e *editor) wrapInSelect(op ast.Node) (*report.Suggestion, string) {
	ctx, ok := e.contextInScope()
	if !ok && e.noCtx != "" {
		return nil, e.noCtx
	}
	if !ok {
		return nil, "no context is in scope here to select on: pass one in (a test's t.Context(), a request's " +
			"r.Context()) and select on its Done(); a context.Background() would never be cancelled"
	}
	ret := e.returnText(ctx.expr)
	if ret == "" {
		return nil, "the function's results have no zero value to return on cancellation that this edit can spell"
	}
	f := e.s.file
	stmt := e.stmtOf(op)
	if stmt == nil || !f.alone(stmt) {
		return nil, "the channel operation shares its line with other code"
	}
	var comm, decl string
	switch st := stmt.(type) {
	case *ast.SendStmt:
		comm = f.text(st)
	case *ast.ExprStmt:
		if st.X != op {
			return nil, "the receive is part of a larger expression"
		}
		comm = f.text(st)
	case *ast.AssignStmt:
		if len(st.Rhs) != 1 || st.Rhs[0] != op {
			return nil, "the receive is part of a larger expression"
		}
		if st.Tok == token.DEFINE {
			info := e.d.packageTypes(f)
			var decls []string
			for i, l := range st.Lhs {
				id, isIdent := l.(*ast.Ident)
				if !isIdent {
					return nil, ""
				}
				if id.Name == "_" {
					continue
				}
				var t types.Type
				if i == 1 {
					t = types.Typ[types.Bool]
				} else if ct := typeOf(info, op.(*ast.UnaryExpr).X); ct != nil {
					if c, isChan := ct.Underlying().(*types.Chan); isChan {
						t = c.Elem()
					}
				}
				if t == nil || !validType(t) {
					return nil, "the received value's type is not known without the imported packages"
				}
				decls = append(decls, fmt.Sprintf("var %s %s", id.Name, typeText(t)))
			}
			decl = strings.Join(decls, "\n")
			comm = strings.Replace(f.text(st), ":=", "=", 1)
		} else {
			comm = f.text(st)
		}
	default:
		return nil, ""
	}
	indent := f.indentAt(f.posOffset(stmt.Pos()))
	var b strings.Builder
	if decl != "" {
		b.WriteString(strings.ReplaceAll(decl, "\n", "\n"+indent) + "\n" + indent)
	}
	fmt.Fprintf(&b, "select {\n%scase %s:\n%scase <-%s.Done():\n%s\t%s\n%s}", indent, comm, indent, ctx.expr, indent, ret, indent)
	edit := newEdit(f, f.posOffset(stmt.Pos()), f.posOffset(stmt.End()), b.String())
	what := "receive"
	if _, isSend := stmt.(*ast.SendStmt); isSend {
		what = "send"
	}
	return &report.Suggestion{
		Summary: fmt.Sprintf("%s in a select that also returns when %s is cancelled (%s)", what, ctx.expr, ctx.origin),
		Edits:   []report.Edit{edit},
	}, ""
}

// text returns the source text of n.
func (f *srcFile) text(n ast.Node) string {
	return string(f.src[f.posOffset(n.Pos()):f.posOffset(n.End())])
}

// selectExit adds `case <-ctx.Done(): return` to the select the site
// blocks in, with the context in scope; and stops a ticker the function
// starts and never stops.
func (e *editor) selectExit() (*report.Suggestion, string) {
	n := e.s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.SelectStmt); return ok })
	if n == nil {
		return nil, ""
	}
	sel := n.(*ast.SelectStmt)
	f := e.s.file
	for _, st := range sel.Body.List {
		if cc, ok := st.(*ast.CommClause); ok && cc.Comm != nil {
			if _, done := isDoneRecv(&ast.UnaryExpr{Op: token.ARROW, X: commExpr(cc)}); done {
				return nil, "the select already has a Done() case: the context it watches is never cancelled"
			}
		}
	}
	ctx, ok := e.contextInScope()
	if !ok && e.noCtx != "" {
		return nil, e.noCtx
	}
	if !ok {
		return nil, "no context is in scope here to add a case <-ctx.Done() with: pass one in (a test's " +
			"t.Context(), a request's r.Context()); a context.Background() would never be cancelled"
	}
	ret := e.returnText(ctx.expr)
	if ret == "" {
		return nil, "the function's results have no zero value to return on cancellation that this edit can spell"
	}
	if f.lineOf(sel.Body.Lbrace) == f.lineOf(sel.Body.Rbrace) {
		return nil, "the select is written on one line"
	}
	indent := f.indentAt(f.posOffset(sel.Pos()))
	at := srcfile.LineStart(f.src, f.posOffset(sel.Body.Rbrace))
	edits := []report.Edit{newEdit(f, at, at, fmt.Sprintf("%scase <-%s.Done():\n%s\t%s\n", indent, ctx.expr, indent, ret))}
	summary := fmt.Sprintf("add case <-%s.Done(): %s to the select (%s)", ctx.expr, ret, ctx.origin)
	if stop, name := e.tickerStop(); stop != nil {
		edits = append([]report.Edit{*stop}, edits...)
		summary += fmt.Sprintf(", and stop the ticker %s when the goroutine returns", name)
	}
	return &report.Suggestion{Summary: summary, Edits: edits}, ""
}

// commExpr returns the channel operand of a select case, or a bad
// expression when there is none.
func commExpr(cc *ast.CommClause) ast.Expr {
	if ch, _ := commChan(cc); ch != nil {
		return ch
	}
	return &ast.BadExpr{}
}

// tickerStop finds `name := time.NewTicker(…)` in the site's function with
// no name.Stop() anywhere in it, and returns the edit adding
// `defer name.Stop()` after it.
func (e *editor) tickerStop() (*report.Edit, string) {
	var edit *report.Edit
	name := ""
	body := funcBody(e.s.fn)
	ast.Inspect(body, func(n ast.Node) bool {
		if edit != nil {
			return false
		}
		if _, lit := n.(*ast.FuncLit); lit {
			return false
		}
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true
		}
		c, ok := as.Rhs[0].(*ast.CallExpr)
		id, isIdent := as.Lhs[0].(*ast.Ident)
		if !ok || !isIdent || !isCallTo(c, "time", "NewTicker") || !e.s.file.alone(as) {
			return true
		}
		if len(e.s.file.calls(body, id.Name, "Stop")) > 0 {
			return true
		}
		ed := e.s.file.insertAfter(as, "defer "+id.Name+".Stop()")
		edit, name = &ed, id.Name
		return false
	})
	return edit, name
}

func funcBody(fn ast.Node) *ast.BlockStmt {
	switch fn := fn.(type) {
	case *ast.FuncLit:
		return fn.Body
	case *ast.FuncDecl:
		return fn.Body
	}
	return nil
}

// closeRanged closes the channel a for-range waits on when exactly one
// goroutine sends on it: `defer close(ch)` first thing in that goroutine.
// It applies when the channel is a local made in the same function, has
// no close anywhere, is not stored or returned, and every send on it is in
// that one goroutine's function literal.
func (e *editor) closeRanged() (*report.Suggestion, string) {
	n := e.s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.RangeStmt); return ok })
	if n == nil || e.s.decl == nil {
		return nil, ""
	}
	id, ok := n.(*ast.RangeStmt).X.(*ast.Ident)
	if !ok {
		return nil, "the loop ranges over an expression, not a local channel"
	}
	ch := id.Name
	f := e.s.file
	if mk, _ := f.makeChan(e.s.decl, ch); mk == nil {
		return nil, fmt.Sprintf("%s is not made in %s, so who may close it is not known", ch, e.s.decl.Name.Name)
	}
	if len(f.closes(e.s.decl, ch)) > 0 {
		return nil, fmt.Sprintf("%s is closed somewhere, just not on every path", ch)
	}
	var sender *ast.FuncLit
	why := ""
	inspectPath(e.s.decl.Body, func(n ast.Node, stack []ast.Node) bool {
		if why != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if types.ExprString(r) == ch {
					why = fmt.Sprintf("%s is returned to the caller, who may send on it", ch)
				}
			}
		case *ast.AssignStmt:
			for _, r := range n.Rhs {
				if types.ExprString(r) == ch {
					why = fmt.Sprintf("%s is stored elsewhere, where it may be sent on", ch)
				}
			}
		case *ast.SendStmt:
			if types.ExprString(n.Value) == ch {
				why = fmt.Sprintf("%s is sent to another goroutine, which may send on it", ch)
			}
			if types.ExprString(n.Chan) != ch {
				return true
			}
			lit := goLiteral(stack)
			switch {
			case lit == nil:
				why = fmt.Sprintf("a send on %s is not inside a goroutine started here", ch)
			case sender != nil && sender != lit:
				why = fmt.Sprintf("several goroutines send on %s: closing it needs them all done (a WaitGroup)", ch)
			case inLoopOutside(stack, lit):
				why = fmt.Sprintf("the goroutine sending on %s is started in a loop", ch)
			default:
				sender = lit
			}
		}
		return true
	})
	if why != "" {
		return nil, why
	}
	if sender == nil {
		return nil, fmt.Sprintf("nothing in %s sends on %s", e.s.decl.Name.Name, ch)
	}
	edit, ok := f.insertFirst(sender.Body, "defer close("+ch+")")
	if !ok {
		return nil, "the sending goroutine is written on one line"
	}
	return &report.Suggestion{
		Summary: fmt.Sprintf("close %s when its only sender, the goroutine at line %d, returns: the range loop then ends",
			ch, f.lineOf(sender.Pos())),
		Edits: []report.Edit{edit},
	}, ""
}

// goLiteral returns the function literal of the go statement the last
// node of stack is in, directly (no other function literal between).
func goLiteral(stack []ast.Node) *ast.FuncLit {
	for i := len(stack) - 1; i >= 2; i-- {
		if lit, ok := stack[i].(*ast.FuncLit); ok {
			if call, ok := stack[i-1].(*ast.CallExpr); ok && call.Fun == lit {
				if _, ok := stack[i-2].(*ast.GoStmt); ok {
					return lit
				}
			}
			return nil
		}
	}
	return nil
}

// inLoopOutside reports whether a loop encloses lit in stack.
func inLoopOutside(stack []ast.Node, lit *ast.FuncLit) bool {
	for _, n := range stack {
		if n == lit {
			return false
		}
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			return true
		}
	}
	return false
}
