package explain

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/leakhound/leakhound/internal/fixrule"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// A wait is what one group blocks on, read from the source of its stack:
// the objects it waits for, the locks it holds, and the user frames with
// their parsed sites, so partners and cycles can be found between groups.
type wait struct {
	g      *report.Group
	site   *site
	objs   []waitObj
	frames []frameSite // user frames, innermost first, with source
	held   []heldLock
	scope  []*pkgOps // the packages on the stack, each once
}

// waitObj is one object a group waits for, with the operations that
// would release it.
type waitObj struct {
	key  objKey
	text string
	// on is the blocked operation: opSend, opRecv, opLock, opRLock, opDone
	// (WaitGroup.Wait), opSignal (Cond.Wait).
	on   opKind
	line int // the line of the operation (a select case's own line)
	// ranges is set for a for-range loop over a channel: a send lets it
	// take one more turn and wait again, so only a close releases it.
	ranges bool
}

// releasers are the kinds of statement that release w.
func (w waitObj) releasers() []opKind {
	if w.ranges {
		return []opKind{opClose}
	}
	return releasers(w.on)
}

// releasers are the kinds of statement that release a wait of kind k.
func releasers(k opKind) []opKind {
	switch k {
	case opSend:
		return []opKind{opRecv, opRange}
	case opRecv, opRange:
		return []opKind{opSend, opClose}
	case opLock:
		return []opKind{opUnlock, opRUnlock}
	case opRLock:
		return []opKind{opUnlock}
	case opDone:
		return []opKind{opDone}
	case opSignal:
		return []opKind{opSignal, opBroadcast}
	}
	return nil
}

type frameSite struct {
	f   profile.Frame
	s   *site
	ops *pkgOps
}

// heldLock is a lock a goroutine holds where it blocks.
type heldLock struct {
	key      objKey
	op       *srcOp
	frame    int // index in wait.frames
	deferred bool
}

// waitOf reads the group's stack against the source. It returns nil when
// the blocking line cannot be read.
func (d *diagnoser) waitOf(g *report.Group) *wait {
	if d.src == nil || g.Stack == nil {
		return nil
	}
	w := &wait{g: g}
	seen := make(map[*pkgOps]bool)
	bi := report.BlockIndex(g.Stack.Frames)
	for i, f := range g.Stack.Frames {
		if i < bi || f.Standard() || f.File == "" {
			continue
		}
		file := d.src.file(f.File)
		if file == nil {
			continue
		}
		s := file.locate(f.Line)
		if s == nil {
			continue
		}
		ops := d.src.dirOps(f.File)
		if ops != nil && !seen[ops] {
			seen[ops] = true
			w.scope = append(w.scope, ops)
		}
		w.frames = append(w.frames, frameSite{f: f, s: s, ops: ops})
	}
	if g.CreatedBy != nil && !g.CreatedBy.Standard() {
		if ops := d.src.dirOps(g.CreatedBy.File); ops != nil && !seen[ops] {
			seen[ops] = true
			w.scope = append(w.scope, ops)
		}
	}
	if len(w.frames) == 0 || w.frames[0].f != g.Block {
		return nil
	}
	w.site = w.frames[0].s
	w.objs = d.blockedOn(g, w.frames[0])
	for i := range w.objs {
		d.unalias(w, &w.objs[i])
	}
	w.held = heldLocks(w.frames)
	return w
}

// blockedOn returns the objects the statement at the blocking line waits
// for, by the group's reason.
func (d *diagnoser) blockedOn(g *report.Group, fs frameSite) []waitObj {
	s := fs.s
	key := func(x ast.Expr) (objKey, bool) {
		var pv map[string]bool
		if fs.ops != nil {
			pv = fs.ops.pkgVar
		}
		k, ok := keyOf(x, s.decl, s.fn, pv)
		return s.file.typedKey(k, x), ok
	}
	one := func(x ast.Expr, on opKind) []waitObj {
		k, ok := key(x)
		if !ok {
			// A channel a method returns: s.ShouldStop() → its field.
			k, ok = returnedField(fs.ops, s.file, x)
			if ok {
				k = s.file.typedKey(k, x)
			}
		}
		if !ok {
			return nil
		}
		return []waitObj{{key: k, text: types.ExprString(x), on: on, line: s.line}}
	}
	method := func(names ...string) ast.Expr {
		n := s.onLine(func(n ast.Node) bool {
			_, name, ok := methodCall(n)
			for _, want := range names {
				if ok && name == want {
					return true
				}
			}
			return false
		})
		if n == nil {
			return nil
		}
		return n.(*ast.CallExpr).Fun.(*ast.SelectorExpr).X
	}
	switch g.Reason {
	case report.ReasonChanSend:
		if n := s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.SendStmt); return ok }); n != nil {
			return one(n.(*ast.SendStmt).Chan, opSend)
		}
	case report.ReasonChanReceive:
		if n := s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.RangeStmt); return ok }); n != nil {
			objs := one(n.(*ast.RangeStmt).X, opRecv)
			for i := range objs {
				objs[i].ranges = true
			}
			return objs
		}
		if n := s.onLine(func(n ast.Node) bool { u, ok := n.(*ast.UnaryExpr); return ok && u.Op == token.ARROW }); n != nil {
			return one(n.(*ast.UnaryExpr).X, opRecv)
		}
	case report.ReasonSelect:
		n := s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.SelectStmt); return ok })
		if n == nil {
			return nil
		}
		var out []waitObj
		for _, st := range n.(*ast.SelectStmt).Body.List {
			cc := st.(*ast.CommClause)
			if cc.Comm == nil {
				continue
			}
			ch, send := commChan(cc)
			if ch == nil {
				continue
			}
			on := opRecv
			if send {
				on = opSend
			}
			for _, o := range one(ch, on) {
				o.line = s.file.lineOf(cc.Pos())
				out = append(out, o)
			}
		}
		return out
	case report.ReasonMutex, report.ReasonRWMutexLock:
		if x := method("Lock"); x != nil {
			return one(x, opLock)
		}
	case report.ReasonRWMutexRLock:
		if x := method("RLock"); x != nil {
			return one(x, opRLock)
		}
	case report.ReasonWaitGroup:
		if x := method("Wait"); x != nil {
			return one(x, opDone)
		}
	case report.ReasonCond:
		if x := method("Wait"); x != nil {
			return one(x, opSignal)
		}
	}
	return nil
}

// heldLocks returns the locks held where the stack stands: in each frame,
// a Lock of the frame's own function before its current line with no
// Unlock between that runs on the way to the current line.
func heldLocks(frames []frameSite) []heldLock {
	var out []heldLock
	for i, fs := range frames {
		if fs.ops == nil {
			continue
		}
		for _, list := range fs.ops.byName {
			for _, o := range list {
				if (o.kind != opLock && o.kind != opRLock) || o.fn != fs.s.fn || o.deferred || o.line >= fs.f.Line {
					continue
				}
				if released(fs, o) {
					continue
				}
				out = append(out, heldLock{key: o.key, op: o, frame: i, deferred: deferredUnlock(fs, o)})
			}
		}
	}
	return out
}

// released reports whether an Unlock of the lock taken by o runs between o
// and the frame's current line: a plain (not deferred) unlock in the same
// function whose block also holds the current line, so it is not a branch
// that returns.
func released(fs frameSite, o *srcOp) bool {
	want := opUnlock
	if o.kind == opRLock {
		want = opRUnlock
	}
	for _, u := range fs.ops.candidates(o.key) {
		if u.kind != want || u.fn != o.fn || u.deferred || u.line <= o.line || u.line >= fs.f.Line {
			continue
		}
		if ok, _ := u.key.matches(o.key); !ok {
			continue
		}
		if blockCovers(u.file, u.line, fs.f.Line) {
			return true
		}
	}
	return false
}

// blockCovers reports whether the innermost block around line also covers
// other.
func blockCovers(f *srcFile, line, other int) bool {
	s := f.locate(line)
	if s == nil {
		return false
	}
	for i := len(s.path) - 1; i >= 0; i-- {
		switch n := s.path[i].(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
			return f.lineOf(n.Pos()) <= other && other <= f.lineOf(n.End())
		}
	}
	return false
}

// deferredUnlock reports whether the function of o defers the matching
// unlock.
func deferredUnlock(fs frameSite, o *srcOp) bool {
	want := opUnlock
	if o.kind == opRLock {
		want = opRUnlock
	}
	for _, u := range fs.ops.candidates(o.key) {
		if u.kind == want && u.deferred && u.deferIn == o.fn {
			if ok, _ := u.key.matches(o.key); ok {
				return true
			}
		}
	}
	return false
}

// servesLater returns the statement by which the group of w would release
// obj once it moves on: a releasing operation on obj in one of its frames'
// functions after the frame's current line (or anywhere in a loop around
// it, or deferred), or in a function such a later statement calls; nil
// when none.
func (w *wait) servesLater(obj waitObj) *srcOp {
	kinds := obj.releasers()
	for _, fs := range w.frames {
		if fs.ops == nil {
			continue
		}
		loops := fs.s.loops > 0 && !leavesAfter(fs.s)
		later := func(line int) bool { return line > fs.f.Line || loops && sameLoop(fs.s, line) }
		callees := fs.ops.calleesAfter(fs.s, later)
		for _, o := range fs.ops.lookup(obj.key, kinds...) {
			switch {
			case o.fn == fs.s.fn && later(o.line), o.deferIn == fs.s.fn:
				return o
			case o.fn == ast.Node(o.decl) && slices.Contains(callees, o.decl):
				return o
			}
		}
	}
	return nil
}

// calleesAfter returns the functions of the package that the function of
// s calls at lines later accepts, or in a defer statement (which runs when
// the function returns, whatever its line): plain calls f(…) and calls on
// its own receiver r.m(…), the ones the syntax resolves exactly.
func (p *pkgOps) calleesAfter(s *site, later func(int) bool) []*ast.FuncDecl {
	var out []*ast.FuncDecl
	recv, typ, _ := receiver(s.decl)
	deferred := make(map[*ast.CallExpr]bool)
	ast.Inspect(s.fn, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok && ast.Node(lit) != s.fn {
			return false
		}
		if d, ok := n.(*ast.DeferStmt); ok {
			deferred[d.Call] = true
		}
		c, ok := n.(*ast.CallExpr)
		if !ok || !deferred[c] && !later(s.file.lineOf(c.Pos())) {
			return true
		}
		name, wantTyp := "", ""
		switch fun := c.Fun.(type) {
		case *ast.Ident:
			name = fun.Name
		case *ast.SelectorExpr:
			if id, ok := fun.X.(*ast.Ident); ok && recv != "" && id.Name == recv {
				name, wantTyp = fun.Sel.Name, typ
			} else {
				// A method of the package called on another value (a
				// goroutine's captured owner: s.stop() in a literal
				// NewServer started), when the types say which.
				name, wantTyp = s.file.capturedMethod(s.fn, fun)
			}
		}
		if name == "" {
			return true
		}
		for _, di := range p.decls {
			_, dt, _ := receiver(di.decl)
			if di.decl.Name.Name == name && dt == wantTyp {
				out = append(out, di.decl)
			}
		}
		return true
	})
	return out
}

// sameLoop reports whether line is inside a loop around the site, in the
// site's function (so a later iteration reaches it).
func sameLoop(s *site, line int) bool {
	for i := len(s.path) - 1; i >= 0; i-- {
		switch n := s.path[i].(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return false
		case *ast.ForStmt, *ast.RangeStmt:
			if s.file.lineOf(n.Pos()) <= line && line <= s.file.lineOf(n.End()) {
				return true
			}
		}
	}
	return false
}

// partners returns every statement in the packages on the stack that would
// release obj, whoever runs it.
func (w *wait) partners(obj waitObj) []*srcOp {
	var out []*srcOp
	for _, p := range w.scope {
		out = append(out, p.lookup(obj.key, obj.releasers()...)...)
	}
	return out
}

// unalias follows a channel, mutex or WaitGroup passed as a parameter to
// the argument the caller passed (the caller frame's call, or the go
// statement that started the goroutine), so its key names the caller's
// variable. It follows at most a few calls.
func (d *diagnoser) unalias(w *wait, obj *waitObj) {
	if obj.key.val != "" {
		return // the union joined the parameter with every argument already
	}
	for i := 0; i < 4 && obj.key.local != nil; i++ {
		var fs frameSite
		found := false
		for _, f := range w.frames {
			if f.s.decl == obj.key.local {
				fs, found = f, true
				break
			}
		}
		if !found {
			return
		}
		// Only when the name is a parameter of the function at the frame,
		// or a variable assigned from one other variable.
		idx := paramIndex(fs.s.fn, obj.key.name)
		if idx < 0 {
			if k, ok := calleeResult(fs.ops, obj.key.local, obj.key.name); ok {
				obj.key = k
				return
			}
			if x := assignedFrom(obj.key.local, obj.key.name); x != nil {
				if k, ok := keyOf(x, fs.s.decl, fs.s.fn, fs.ops.pkgVar); ok && k != obj.key {
					obj.key, obj.text = k, types.ExprString(x)
					continue
				}
			}
			return
		}
		call, csite, cops := d.callerCall(w, fs)
		if call == nil || idx >= len(call.Args) {
			return
		}
		var pv map[string]bool
		if cops != nil {
			pv = cops.pkgVar
		}
		k, ok := keyOf(call.Args[idx], csite.decl, csite.fn, pv)
		if !ok {
			return
		}
		obj.key = k
		obj.text = types.ExprString(call.Args[idx])
		if cops != nil && !slices.Contains(w.scope, cops) {
			w.scope = append(w.scope, cops)
		}
		// A further hop needs the caller to be a frame: stop at go statements.
		if csite == nil || !isFrameSite(w, csite) {
			return
		}
	}
}

func isFrameSite(w *wait, s *site) bool {
	for _, f := range w.frames {
		if f.s == s {
			return true
		}
	}
	return false
}

// paramIndex returns the position of the parameter named name of fn (a
// *ast.FuncDecl or *ast.FuncLit), -1 when it has none.
func paramIndex(fn ast.Node, name string) int {
	var ft *ast.FuncType
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		ft = fn.Type
	case *ast.FuncLit:
		ft = fn.Type
	}
	if ft == nil {
		return -1
	}
	i := 0
	for _, fld := range ft.Params.List {
		if len(fld.Names) == 0 {
			i++
			continue
		}
		for _, id := range fld.Names {
			if id.Name == name {
				return i
			}
			i++
		}
	}
	return -1
}

// callerCall finds the call that entered the function of fs: in the next
// frame out, or at the go statement that started the goroutine.
func (d *diagnoser) callerCall(w *wait, fs frameSite) (*ast.CallExpr, *site, *pkgOps) {
	var cs *site
	var cops *pkgOps
	for i, f := range w.frames {
		if f.s == fs.s && i+1 < len(w.frames) {
			cs, cops = w.frames[i+1].s, w.frames[i+1].ops
		}
	}
	if cs == nil && w.g.CreatedBy != nil {
		cf := d.src.file(w.g.CreatedBy.File)
		if cf == nil {
			return nil, nil, nil
		}
		cs = cf.locate(w.g.CreatedBy.Line)
		cops = d.src.dirOps(w.g.CreatedBy.File)
	}
	if cs == nil {
		return nil, nil, nil
	}
	want := ""
	if decl, ok := fs.s.fn.(*ast.FuncDecl); ok {
		want = decl.Name.Name
	}
	var found *ast.CallExpr
	ast.Inspect(cs.fn, func(n ast.Node) bool {
		if found != nil || n == nil {
			return false
		}
		c, ok := n.(*ast.CallExpr)
		if !ok || cs.file.lineOf(c.Pos()) > cs.line || cs.file.lineOf(c.End()) < cs.line {
			return true
		}
		switch fun := ast.Unparen(c.Fun).(type) {
		case *ast.FuncLit:
			if fun == fs.s.fn {
				found = c
			}
		case *ast.Ident:
			if fun.Name == want {
				found = c
			}
		case *ast.SelectorExpr:
			if fun.Sel.Name == want {
				found = c
			}
		}
		return true
	})
	return found, cs, cops
}

// returnedField resolves x.M() to the field M returns when M is a method
// of the package whose body is one "return r.f": the channel accessors
// (Done, ShouldStop, get) that real code waits on.
func returnedField(p *pkgOps, file *srcFile, x ast.Expr) (objKey, bool) {
	c, ok := ast.Unparen(x).(*ast.CallExpr)
	if !ok || p == nil || len(c.Args) != 0 {
		return objKey{}, false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return objKey{}, false
	}
	var found objKey
	n, inFile := 0, 0
	for _, di := range p.decls {
		d := di.decl
		if d.Recv == nil || d.Name.Name != sel.Sel.Name {
			continue
		}
		if di.file != file && inFile > 0 {
			continue
		}
		// Every return of the method returns the same field.
		var k objKey
		same := true
		ast.Inspect(d.Body, func(x ast.Node) bool {
			switch x := x.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				if len(x.Results) != 1 {
					same = false
					return false
				}
				if id, ok := x.Results[0].(*ast.Ident); ok && id.Name == "nil" {
					return true // the nil receiver's guard
				}
				rk, ok := keyOf(x.Results[0], d, d, p.pkgVar)
				if !ok || !rk.field || k.name != "" && rk != k {
					same = false
				}
				k = rk
			}
			return same
		})
		if same && k.name != "" {
			if di.file == file && inFile == 0 {
				// The accessor in the caller's own file wins.
				n, inFile = 0, 1
			} else if di.file == file {
				inFile++
			}
			found = k
			n++
		}
	}
	return found, n == 1
}

// assignedFrom returns the one variable or field that name is assigned from
// in decl ("doneCh = done"), when it is never made there; nil otherwise.
func assignedFrom(decl *ast.FuncDecl, name string) ast.Expr {
	var from ast.Expr
	many := false
	ast.Inspect(decl, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && id.Name == name {
				switch r := ast.Unparen(as.Rhs[i]).(type) {
				case *ast.Ident, *ast.SelectorExpr:
					if from != nil && types.ExprString(from) != types.ExprString(r) {
						many = true
					}
					from = r
				default:
					many = true
				}
			}
		}
		return true
	})
	if many {
		return nil
	}
	return from
}

// calleeResult resolves "name := f(…)" in decl, where f is a function of
// the package returning one of its own locals ("return T(ch)"), to that
// local's key, so the statements of f that close it are partners.
func calleeResult(p *pkgOps, decl *ast.FuncDecl, name string) (objKey, bool) {
	if p == nil || decl == nil {
		return objKey{}, false
	}
	var call *ast.CallExpr
	ast.Inspect(decl, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true
		}
		if id, ok := as.Lhs[0].(*ast.Ident); ok && id.Name == name {
			if c, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr); ok {
				call = c
			}
		}
		return true
	})
	if call == nil {
		return objKey{}, false
	}
	fn, ok := call.Fun.(*ast.Ident)
	if !ok {
		return objKey{}, false
	}
	for _, di := range p.decls {
		d := di.decl
		if d.Recv != nil || d.Name.Name != fn.Name {
			continue
		}
		var k objKey
		found := false
		ast.Inspect(d.Body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			ret, ok := n.(*ast.ReturnStmt)
			if !ok || len(ret.Results) != 1 {
				return true
			}
			x := ast.Unparen(ret.Results[0])
			if c, ok := x.(*ast.CallExpr); ok && len(c.Args) == 1 {
				x = ast.Unparen(c.Args[0]) // a conversion: Signal(ch)
			}
			if id, ok := x.(*ast.Ident); ok {
				k, found = objKey{name: id.Name, local: d}, true
			}
			return true
		})
		return k, found
	}
	return objKey{}, false
}

// leavesAfter reports whether the block holding the site's line leaves the
// loop after it (a return, break or goto follows in the same block), so an
// earlier statement of the loop is not reached again.
func leavesAfter(s *site) bool {
	for _, st := range s.innermostStmts() {
		if s.file.lineOf(st.Pos()) > s.line && returnsInside(st) {
			return true
		}
	}
	return false
}

// innermostStmts returns the statement list of the innermost block, case
// or select clause around the site's line; nil when there is none.
func (s *site) innermostStmts() []ast.Stmt {
	for i := len(s.path) - 1; i >= 0; i-- {
		if list, ok := fixrule.StmtList(s.path[i]); ok {
			return list
		}
	}
	return nil
}
