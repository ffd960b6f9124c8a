package explain

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// This file is the partner-aware diagnosis: given what a group waits on
// (its wait), it names the statements that would release it, replaces
// claims the source contradicts, and recognises double locking and
// resources whose Close-like method was never called.

// maxPartnersShown bounds the partner statements a summary lists.
const maxPartnersShown = 3

// refine checks f, the diagnosis of the blocking line alone, against the
// partners in the packages on the stack and returns the finding to report.
// Cross-group facts (holders, cycles) come later, in relate.
func (d *diagnoser) refine(g *report.Group, w *wait, f finding) finding {
	at := d.pos(g.Block)
	if f.pattern == report.PatternContextNeverDone && w != nil {
		if owned, ok := d.ctxOwnerClosed(w, at, f); ok {
			return owned
		}
	}
	if w != nil && len(w.objs) == 0 && g.Reason.OnChannel() && f.pattern != report.PatternContextNeverDone &&
		f.pattern != report.PatternNilChannel && f.pattern != report.PatternRangeUnclosed {
		// The channel is an expression the index does not resolve (a
		// chain of calls): claim nothing about its partners.
		f.summary = fmt.Sprintf("%s: `%s` waits on a channel whose senders and closers the source does not "+
			"resolve; what would release it is not shown (this rests on the stack)", at, w.site.text)
		if ctx := contextInScope(w.site); ctx != "" {
			if bg := d.uncancelledCallers(w.site, ctx); len(bg) > 0 {
				f.summary += " — " + uncancelledAdvice(ctx, bg)
				return f
			}
			f.summary += fmt.Sprintf(" — wait in a select with <-%s.Done()", ctx)
		}
		return f
	}
	if w == nil || len(w.objs) == 0 {
		return f
	}
	switch g.Reason {
	case report.ReasonMutex, report.ReasonRWMutexLock, report.ReasonRWMutexRLock:
		if dl, ok := d.doubleLock(w, at); ok {
			return dl
		}
		if g.Reason == report.ReasonMutex {
			return d.mutexClaims(w, at, f)
		}
		return f
	case report.ReasonChanReceive, report.ReasonChanSend, report.ReasonSelect:
		if f.pattern == report.PatternContextNeverDone || f.pattern == report.PatternNilChannel {
			return f
		}
		return d.channelWait(g, w, at, f)
	case report.ReasonWaitGroup, report.ReasonCond:
		ps := w.partners(w.objs[0])
		if len(ps) == 0 {
			verb := "calls Done on"
			if g.Reason == report.ReasonCond {
				verb = "signals or broadcasts"
			}
			f.evidence = append(f.evidence, fmt.Sprintf("nothing in %s %s %s", d.scopeText(w), verb, w.objs[0].text))
		} else {
			f.evidence = append(f.evidence, "would be released by: "+d.listOps(ps))
			if skip := d.skippedRelease(w, ps); skip != "" {
				f.evidence = append(f.evidence, "source: "+skip)
				if g.Reason == report.ReasonWaitGroup {
					f.summary = fmt.Sprintf("%s: `%s` never returns: %s — defer %s.Done() so that every exit "+
						"calls it", at, w.site.text, skip, w.objs[0].text)
					f.fix = fmt.Sprintf("defer %s.Done() in the goroutine: %s", w.objs[0].text, skip)
				} else {
					f.summary += "; " + skip
				}
			}
		}
	}
	return f
}

// scopeText names the packages searched for partners.
func (d *diagnoser) scopeText(w *wait) string {
	if len(w.scope) == 1 {
		return "the package on the stack"
	}
	return fmt.Sprintf("the %d packages on the stack", len(w.scope))
}

func (d *diagnoser) listOps(ops []*srcOp) string {
	var parts []string
	for i, o := range ops {
		if i == maxPartnersShown {
			parts = append(parts, fmt.Sprintf("%d more", len(ops)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("%s at %s:%d in %s", o.kind, d.rel(o.file.path), o.line, funcName(o.decl, o.fn)))
	}
	return strings.Join(parts, ", ")
}

// channelWait diagnoses a receive, send or select from the partners of
// its channels.
func (d *diagnoser) channelWait(g *report.Group, w *wait, at string, f finding) finding {
	// The statements that would release each channel, outside the
	// blocked statement itself.
	var all []*srcOp
	stop := false
	var stopOps []*srcOp
	for _, obj := range w.objs {
		ps := w.partners(obj)
		ps = slices.DeleteFunc(ps, func(o *srcOp) bool { return o.file == w.site.file && o.line == obj.line })
		all = append(all, ps...)
		for _, o := range ps {
			if o.kind == opClose {
				stop = true
				stopOps = append(stopOps, o)
			}
		}
	}
	ctx := contextInScope(w.site)
	bg := d.uncancelledCallers(w.site, ctx)
	if c := d.closerOf(w, stopOps, all); c != nil && f.pattern != report.PatternRangeUnclosed {
		return d.neverClosed(w, at, c, f)
	}
	objs := make([]string, 0, len(w.objs))
	for _, o := range w.objs {
		objs = append(objs, o.text)
	}
	what := strings.Join(objs, ", ")
	if len(all) > 0 {
		f.evidence = append(f.evidence, "would be released by: "+d.listOps(all))
	} else {
		f.evidence = append(f.evidence, fmt.Sprintf("source: no statement in %s sends, receives or closes %s "+
			"besides this one", d.scopeText(w), what))
	}
	switch f.pattern {
	case report.PatternTickerLoop:
		// "ticker" only for a channel the source shows made by a ticker.
		kind := d.timeSource(w, w.objs)
		if kind == "ticker" && !stop {
			return f
		}
		if stop {
			break
		}
		if kind == "" {
			kind = "time"
		}
		f.pattern = report.PatternSelectNoExit
		f.summary = fmt.Sprintf("%s: `%s` waits on %s (a %s channel) and nothing else would end the wait", at,
			w.site.text, what, kind)
		return d.advise(w, f, ctx, bg)
	case report.PatternRangeUnclosed:
		// "waits for a value or a close": true of every range. The close
		// an early return skips is the fix.
		if skip := d.skippedRelease(w, stopOps); skip != "" {
			f.summary = fmt.Sprintf("%s: `%s` waits for %s to be closed, and %s — close it on that path too", at,
				w.site.text, what, skip)
			f.evidence = append(f.evidence, "source: "+skip)
			f.fix = "release it on the path that leaves early: " + skip
		}
		return f
	case report.PatternSendNoReceiver:
		return d.sendClaims(w, at, f, ctx, bg)
	}
	switch {
	case stop && g.Reason == report.ReasonSelect:
		f.pattern = report.PatternSelectNoExit
		f.summary = fmt.Sprintf("%s: the select has a stop case, but nothing ran %s — close it when the "+
			"goroutine's owner is done", at, d.listOps(stopOps))
		f.evidence = append(f.evidence, "source: the stop case is released by "+d.listOps(stopOps))
		return f
	case len(all) == 0:
		f.summary = fmt.Sprintf("%s: `%s` waits on %s, and nothing in %s would release it (no send, receive or "+
			"close of it)", at, w.site.text, what, d.scopeText(w))
	case g.Reason == report.ReasonSelect:
		f.summary = fmt.Sprintf("%s: none of the select's cases (%s) can proceed and none means stop; what would "+
			"release them did not run: %s", at, what, d.listOps(all))
	default:
		f.summary = fmt.Sprintf("%s: `%s` waits on %s; what would release it did not run: %s", at, w.site.text,
			what, d.listOps(all))
	}
	if why, fix := d.ownDeferredClose(w, all); why != "" {
		f.summary += "; " + why
		f.evidence = append(f.evidence, "source: "+why)
		f.fix = fix
		return f
	}
	if skip := d.skippedRelease(w, all); skip != "" {
		f.summary += "; " + skip + " — release it on that path too (a deferred close or send runs on every exit)"
		f.evidence = append(f.evidence, "source: "+skip)
		f.fix = "release it on the path that leaves early: " + skip
		return f
	}
	return d.advise(w, f, ctx, bg)
}

// advise appends the fix the source allows: a select on the context in
// scope (unless no caller can cancel it: bg are the callers that pass one
// nothing cancels), or a stop channel when there is none.
func (d *diagnoser) advise(w *wait, f finding, ctx string, bg []string) finding {
	ticker := slices.ContainsFunc(w.objs, func(o waitObj) bool { return strings.HasSuffix(o.text, ".C") })
	switch closer := closerOfOwner(w); {
	case ctx != "" && len(bg) > 0:
		f.summary += " — " + uncancelledAdvice(ctx, bg)
	case ctx != "":
		f.summary += fmt.Sprintf(" — wait in a select with <-%s.Done()", ctx)
	case closer != "":
		f.summary += fmt.Sprintf(" — the owner already has %s: have it end this wait (close what it waits on, or "+
			"a done channel it also selects on) and call it when done", closer)
	case ticker:
		f.summary += " — a ticker's channel is never closed: select on a stop signal as well, and Stop the ticker"
	default:
		f.summary += " — close the channel when the work is done, or give the goroutine a stop channel its owner closes"
	}
	return f
}

// closerOfOwner returns the Close-like method of the type whose method the
// goroutine blocks in ("(*Pool).Stop"), "" when the blocking function is
// no method or its type has none. The method the goroutine blocks in does
// not count.
func closerOfOwner(w *wait) string {
	_, typ, _ := receiver(w.site.decl)
	if typ == "" || len(w.frames) == 0 || w.frames[0].ops == nil {
		return ""
	}
	for _, di := range w.frames[0].ops.decls {
		if _, t, _ := receiver(di.decl); t == typ && di.decl != w.site.decl && isCloserName(di.decl.Name.Name) {
			return funcName(di.decl, di.decl)
		}
	}
	return ""
}

// sendClaims keeps the "receiver gone" diagnosis of a send true to the
// source: the buffer advice only for an unbuffered channel, the context
// advice only with a context in scope.
func (d *diagnoser) sendClaims(w *wait, at string, f finding, ctx string, bg []string) finding {
	obj := w.objs[0]
	mk, buf, ok := d.makeOf(w, obj)
	f.evidence = slices.DeleteFunc(f.evidence, func(e string) bool { return strings.Contains(e, " is made ") })
	var fix []string
	switch {
	case !ok:
	case buf == "":
		f.evidence = append(f.evidence, fmt.Sprintf("%s is made unbuffered at %s:%d", obj.text, d.rel(mk.File), mk.Line))
		fix = append(fix, fmt.Sprintf("make %s buffered (1) if one value may go unread", obj.text))
	default:
		f.evidence = append(f.evidence, fmt.Sprintf("%s is made with buffer %s at %s:%d, and the buffer is full",
			obj.text, buf, d.rel(mk.File), mk.Line))
	}
	if ctx != "" && len(bg) > 0 {
		fix = append(fix, uncancelledAdvice(ctx, bg))
	} else if ctx != "" {
		fix = append(fix, fmt.Sprintf("send in a select with <-%s.Done()", ctx))
	} else {
		fix = append(fix, "send in a select with a stop channel the receiver closes when it gives up")
	}
	what := "no receiver is left"
	if ok && buf != "" {
		what = fmt.Sprintf("its buffer (%s) is full and no receiver is left", buf)
	}
	f.summary = fmt.Sprintf("%s: `%s` waits: %s — %s", at, w.site.text, what, strings.Join(fix, ", or "))
	return f
}

// timeSource says whether the channels come from a ticker or a timer, by
// their make site in the source: "ticker", "timer", or "".
func (d *diagnoser) timeSource(w *wait, objs []waitObj) string {
	kind := ""
	for _, o := range objs {
		if !strings.HasSuffix(o.text, ".C") && !strings.HasPrefix(o.text, "time.") {
			continue
		}
		if strings.HasPrefix(o.text, "time.Tick(") {
			return "ticker"
		}
		if strings.HasPrefix(o.text, "time.After(") {
			kind = "timer"
			continue
		}
		base := strings.TrimSuffix(o.text, ".C")
		ast.Inspect(w.site.decl, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != len(as.Rhs) {
				return true
			}
			for i := range as.Lhs {
				if types.ExprString(as.Lhs[i]) != base {
					continue
				}
				if c, ok := ast.Unparen(as.Rhs[i]).(*ast.CallExpr); ok {
					switch {
					case isCallTo(c, "time", "NewTicker"):
						kind = "ticker"
					case isCallTo(c, "time", "NewTimer"), isCallTo(c, "time", "AfterFunc"):
						if kind == "" {
							kind = "timer"
						}
					}
				}
			}
			return true
		})
		if kind == "ticker" {
			return kind
		}
	}
	return kind
}

// contextInScope returns the name of a context.Context parameter of the
// blocking function (or of the declaration around it), "" if none.
func contextInScope(s *site) string {
	var fns []*ast.FuncType
	if lit, ok := s.fn.(*ast.FuncLit); ok {
		fns = append(fns, lit.Type)
	}
	if s.decl != nil {
		fns = append(fns, s.decl.Type)
	}
	for _, ft := range fns {
		for _, fld := range ft.Params.List {
			if types.ExprString(fld.Type) == "context.Context" && len(fld.Names) > 0 && fld.Names[0].Name != "_" {
				return fld.Names[0].Name
			}
		}
	}
	return ""
}

// makeOf finds where the channel obj is made: "x := make(chan T, n)" in
// the function, or a field "f: make(...)" / "x.f = make(...)" in the
// packages on the stack.
func (d *diagnoser) makeOf(w *wait, obj waitObj) (ref report.SourceRef, buffer string, ok bool) {
	if obj.key.val != "" {
		return d.typedMake(obj)
	}
	name := obj.key.name
	var out report.SourceRef
	found := false
	check := func(f *srcFile, lhs string, rhs ast.Expr) {
		if found || lastName(lhs) != name {
			return
		}
		c, ok := ast.Unparen(rhs).(*ast.CallExpr)
		if !ok || !isIdentCall(c, "make") || len(c.Args) == 0 {
			return
		}
		if _, ok := c.Args[0].(*ast.ChanType); !ok {
			return
		}
		line := f.lineOf(c.Pos())
		out = report.SourceRef{File: f.path, Line: line, Text: f.line(line), Kind: "make"}
		buffer = ""
		if len(c.Args) > 1 {
			buffer = types.ExprString(c.Args[1])
			if bl, ok := c.Args[1].(*ast.BasicLit); ok && bl.Value == "0" {
				buffer = ""
			}
		}
		found = true
	}
	visit := func(f *srcFile, root ast.Node) {
		ast.Inspect(root, func(n ast.Node) bool {
			if found {
				return false
			}
			switch n := n.(type) {
			case *ast.AssignStmt:
				if len(n.Lhs) == len(n.Rhs) {
					for i := range n.Lhs {
						if !obj.key.field || strings.Contains(types.ExprString(n.Lhs[i]), ".") {
							check(f, types.ExprString(n.Lhs[i]), n.Rhs[i])
						}
					}
				}
			case *ast.ValueSpec:
				if len(n.Names) == len(n.Values) && !obj.key.field {
					for i := range n.Names {
						check(f, n.Names[i].Name, n.Values[i])
					}
				}
			case *ast.KeyValueExpr:
				if obj.key.field {
					check(f, types.ExprString(n.Key), n.Value)
				}
			}
			return true
		})
	}
	if !obj.key.field && obj.key.local != nil {
		visit(w.site.file, obj.key.local)
		return out, buffer, found
	}
	for _, p := range w.scope {
		for _, di := range p.decls {
			visit(di.file, di.decl)
			if found {
				return out, buffer, true
			}
		}
	}
	return out, buffer, found
}

// typedMake is makeOf for a channel the union follows: the make of its
// value, claimed only when every make that may flow into it agrees on the
// buffer (the first by place is quoted).
func (d *diagnoser) typedMake(obj waitObj) (report.SourceRef, string, bool) {
	ms := obj.key.u.Makes(obj.key.val)
	if len(ms) == 0 {
		return report.SourceRef{}, "", false
	}
	for _, m := range ms[1:] {
		if m.Buffer != ms[0].Buffer {
			return report.SourceRef{}, "", false
		}
	}
	m := ms[0]
	ref := report.SourceRef{File: m.File, Line: m.Line, Kind: "make"}
	if f := d.src.file(m.File); f != nil {
		ref.Text = f.line(m.Line)
	}
	return ref, m.Buffer, true
}

// closerNames are the method names that release what an object owns.
var closerNames = []string{"Close", "Stop", "Shutdown", "Cancel", "Quit", "Terminate", "Release", "Dispose",
	"Unsubscribe", "Cleanup"}

// isCloserName reports whether a method name is a closer's: one of
// closerNames, exported or not ("stop", "closeLocked" count).
func isCloserName(name string) bool {
	for _, c := range closerNames {
		if len(name) >= len(c) && strings.EqualFold(name[:len(c)], c) {
			return true
		}
	}
	return false
}

// closerOf returns the Close-like method that would release the wait:
// every close of a stop channel (or, with no close, every releasing
// statement) sits in one method with a closer's name.
func (d *diagnoser) closerOf(w *wait, stopOps, all []*srcOp) *report.Closer {
	ops := stopOps
	if len(ops) == 0 {
		ops = all
	}
	if len(ops) == 0 {
		return nil
	}
	// The releasing statements in closer-named methods: when they are all
	// in one, that method is what the owner calls, whatever other code
	// (a test, a helper) also closes the channel by hand.
	var inCloser []*srcOp
	for _, o := range ops {
		if o.decl != nil && o.decl.Recv != nil && isCloserName(o.decl.Name.Name) {
			inCloser = append(inCloser, o)
		}
	}
	if len(inCloser) == 0 {
		return nil
	}
	decl := inCloser[0].decl
	for _, o := range inCloser {
		if o.decl != decl {
			return nil
		}
	}
	c := closerAt(inCloser[0].file, decl)
	// Owners: exported types whose method of the same name calls it.
	for _, p := range w.scope {
		for _, di := range p.decls {
			dd := di.decl
			_, otyp, _ := receiver(dd)
			if dd == decl || dd.Name.Name != decl.Name.Name || !ast.IsExported(otyp) {
				continue
			}
			if calls := di.file.calls(dd.Body, "", decl.Name.Name); len(calls) > 0 {
				c.Owners = append(c.Owners, report.SourceRef{File: di.file.path, Line: di.file.lineOf(dd.Pos()),
					Func: funcName(dd, dd), Text: di.file.line(di.file.lineOf(dd.Pos())), Kind: "call"})
			}
		}
	}
	return c
}

// neverClosed is the finding for a goroutine its owner's Close-like
// method would release.
func (d *diagnoser) neverClosed(w *wait, at string, c *report.Closer, f finding) finding {
	method := c.At.Func
	f.pattern = report.PatternNeverClosed
	var objs []string
	var others []*srcOp // releasing statements outside the closer
	for _, o := range w.objs {
		for _, p := range w.partners(o) {
			if p.decl != nil && funcName(p.decl, p.decl) == method {
				if !slices.Contains(objs, lastName(o.text)) {
					objs = append(objs, lastName(o.text))
				}
			} else if !(p.file == w.site.file && p.line == o.line) {
				others = append(others, p)
			}
		}
	}
	if len(others) == 0 {
		f.summary = fmt.Sprintf("%s: nothing called %s (%s:%d), the only code that releases %s — %s", at, method,
			d.rel(c.At.File), c.At.Line, strings.Join(objs, ", "), d.closerFix(c))
		f.evidence = append(f.evidence, fmt.Sprintf("source: the statements that would release this goroutine are "+
			"all in %s", method))
	} else {
		f.summary = fmt.Sprintf("%s: nothing called %s (%s:%d), the method that releases %s, nor ran the other "+
			"code that does (%s) — %s", at, method, d.rel(c.At.File), c.At.Line, strings.Join(objs, ", "),
			d.listOps(others), d.closerFix(c))
		f.evidence = append(f.evidence, fmt.Sprintf("source: %s releases this goroutine; so would %s",
			method, d.listOps(others)))
	}
	for _, o := range c.Owners {
		f.evidence = append(f.evidence, fmt.Sprintf("%s at %s:%d calls %s", o.Func, d.rel(o.File), o.Line, c.Method))
	}
	f.fix = d.closerFix(c)
	f.closer = c
	return f
}

// closerFix says how to call the closer, in code, on the type a user most
// likely holds: an exported owner when there is one.
func (d *diagnoser) closerFix(c *report.Closer) string {
	typ, recv := c.Type, c.Recv
	if len(c.Owners) > 0 {
		// "(*TracerProvider).Shutdown" → "TracerProvider"
		typ = strings.TrimSuffix(c.Owners[0].Func, "."+c.Method)
		typ = strings.TrimSuffix(strings.TrimPrefix(typ, "(*"), ")")
		recv = ""
	}
	if recv == "" || recv == "_" || recv == "t" {
		// The type's initials: TracerProvider → tp, batchSpanProcessor → bsp.
		var b strings.Builder
		for i, r := range typ {
			if i == 0 || r >= 'A' && r <= 'Z' {
				b.WriteRune(r)
			}
		}
		recv = strings.ToLower(b.String())
		if recv == "t" {
			recv = "v"
		}
	}
	arg, testArg := "", ""
	if c.TakesContext {
		arg, testArg = "ctx", "context.Background()"
	}
	return fmt.Sprintf("call %s.%s(%s) when done with the %s; in a test, t.Cleanup(func() { %s.%s(%s) })",
		recv, c.Method, arg, typ, recv, c.Method, testArg)
}

// doubleLock recognises a goroutine that waits for a lock it holds itself:
// taken earlier in the same function or in a caller frame, and not
// released; or taken in the previous iteration of a loop whose continue
// skipped the unlock.
func (d *diagnoser) doubleLock(w *wait, at string) (finding, bool) {
	obj := w.objs[0]
	for _, h := range w.held {
		// Only the same object for certain: a field of unknown type that
		// only shares a name may be another goroutine's lock.
		if ok, exact := h.key.matches(obj.key); !ok || !exact {
			continue
		}
		where := "earlier in the same function"
		if h.frame > 0 {
			where = "in " + report.FuncShort(w.frames[h.frame].f.Func) + ", a caller on the same stack"
		}
		if h.op.kind == opRLock && obj.on == opRLock {
			// A recursive read lock: it deadlocks only once a writer
			// waits, which the cycles add to the summary.
			return finding{pattern: report.PatternRWMutexDeadlock,
				summary: fmt.Sprintf("%s: `%s` while this goroutine holds %s.RLock() from %s:%d, %s — a "+
					"recursive read lock deadlocks once a writer waits; split off a helper that expects the "+
					"lock held", at, w.site.text, h.op.text, d.rel(h.op.file.path), h.op.line, where),
				evidence: []string{fmt.Sprintf("source: %s.RLock() at %s:%d is not released on the way to line %d",
					h.op.text, d.rel(h.op.file.path), h.op.line, w.frames[h.frame].f.Line)},
				held: &h}, true
		}
		return finding{pattern: report.PatternDoubleLock,
			summary: fmt.Sprintf("%s: `%s` waits for a lock this goroutine already holds: %s.%s() at %s:%d, %s, "+
				"with no unlock before this line — release it first, or call a variant that expects the lock held",
				at, w.site.text, h.op.text, h.op.kind.method(), d.rel(h.op.file.path), h.op.line, where),
			evidence: []string{fmt.Sprintf("source: %s.%s() at %s:%d is not unlocked on the way to line %d",
				h.op.text, h.op.kind.method(), d.rel(h.op.file.path), h.op.line, w.frames[h.frame].f.Line)},
			held: &h}, true
	}
	if c, u, ok := skippedUnlock(w, obj); ok {
		skips := "the unlock"
		if u > 0 {
			skips = fmt.Sprintf("the unlock at line %d", u)
		}
		method := "Unlock"
		if obj.on == opRLock {
			method = "RUnlock"
		}
		fix := ""
		if u > 0 {
			fix = loopUnlockFix(w, obj.text, method, c, u)
		}
		return finding{pattern: report.PatternDoubleLock,
			summary: fmt.Sprintf("%s: `%s` waits for the lock the previous loop iteration took: the continue at "+
				"line %d skips %s — unlock before continue", at, w.site.text, c, skips),
			evidence: []string{fmt.Sprintf("source: in the loop around line %d, `continue` at line %d comes "+
				"after the lock, with no unlock before it", w.site.line, c)}, fix: fix}, true
	}
	return finding{}, false
}

// method is the sync method a lock kind calls.
func (k opKind) method() string {
	switch k {
	case opRLock:
		return "RLock"
	case opUnlock:
		return "Unlock"
	case opRUnlock:
		return "RUnlock"
	}
	return "Lock"
}

// skippedUnlock finds, in the loop around the blocking Lock, a continue
// between the Lock and its Unlock with no unlock of its own before it. It
// returns the continue's and the unlock's lines.
func skippedUnlock(w *wait, obj waitObj) (cont, unlock int, ok bool) {
	s := w.site
	var loop *ast.BlockStmt
	for i := len(s.path) - 1; i >= 0 && loop == nil; i-- {
		switch n := s.path[i].(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return 0, 0, false
		case *ast.ForStmt:
			loop = n.Body
		case *ast.RangeStmt:
			loop = n.Body
		}
	}
	if loop == nil || w.frames[0].ops == nil {
		return 0, 0, false
	}
	f := s.file
	want := opUnlock
	if obj.on == opRLock {
		want = opRUnlock
	}
	// A continue after the lock, in this loop, with no unlock on its way:
	// the next iteration locks again while this one's lock is held.
	ast.Inspect(loop, func(n ast.Node) bool {
		if ok {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit, *ast.ForStmt, *ast.RangeStmt:
			return false
		case *ast.BranchStmt:
			l := f.lineOf(n.Pos())
			if n.Label == nil && n.Tok == token.CONTINUE && l > s.line && !unlockBefore(w, obj, want, l) {
				cont, ok = l, true
			}
		}
		return true
	})
	if !ok {
		return 0, 0, false
	}
	for _, u := range w.frames[0].ops.lookup(obj.key, want) {
		if u.fn == s.fn && !u.deferred && u.line > cont {
			return cont, u.line, true
		}
	}
	return cont, 0, true
}

// unlockBefore reports whether an unlock of obj sits in the block of the
// statement at line, before it.
func unlockBefore(w *wait, obj waitObj, want opKind, line int) bool {
	for _, u := range w.frames[0].ops.lookup(obj.key, want) {
		if u.fn == w.site.fn && u.line < line && u.line > w.site.line && blockCovers(u.file, u.line, line) {
			return true
		}
	}
	return false
}

// mutexClaims rewrites a mutex finding so that it claims only what the
// source shows: "no deferred Unlock" only for the Locks that have none.
func (d *diagnoser) mutexClaims(w *wait, at string, f finding) finding {
	obj := w.objs[0]
	var bare []*srcOp
	for _, fs := range w.frames[:1] {
		if fs.ops == nil {
			continue
		}
		for _, o := range fs.ops.lookup(obj.key, opLock) {
			if ok, exact := o.key.matches(obj.key); ok && exact && !deferredUnlock(fs, o) && !unlockedOnEveryPath(o) {
				bare = append(bare, o)
			}
		}
	}
	f.evidence = slices.DeleteFunc(f.evidence, func(e string) bool { return strings.Contains(e, "has no deferred Unlock") })
	if len(bare) == 0 {
		f.summary = fmt.Sprintf("%s: %s.Lock() waits for a lock that is still held; every other Lock of %s "+
			"in its package releases it on the way out, so the holder is itself blocked while holding it", at,
			obj.text, lastName(obj.text))
		return f
	}
	var at2 []string
	for _, o := range bare {
		at2 = append(at2, fmt.Sprintf("%s:%d", d.rel(o.file.path), o.line))
		f.evidence = append(f.evidence, fmt.Sprintf("%s.Lock() at %s:%d has no deferred Unlock and a path "+
			"that leaves its block before the Unlock", lastName(o.text), d.rel(o.file.path), o.line))
	}
	f.summary = fmt.Sprintf("%s: %s.Lock() waits for a lock that is still held; the Lock at %s can "+
		"return without unlocking — unlock with defer right after Lock", at, obj.text, strings.Join(at2, ", "))
	return f
}

// unlockedOnEveryPath is a cheap stand-in for path analysis: the Lock is
// followed, in its own block, by an Unlock of the same mutex.
func unlockedOnEveryPath(o *srcOp) bool {
	p := o.file.locate(o.line)
	if p == nil {
		return false
	}
	for _, st := range p.innermostStmts() {
		if o.file.lineOf(st.Pos()) <= o.line {
			continue
		}
		if es, ok := st.(*ast.ExprStmt); ok {
			if r, name, ok := methodCall(es.X); ok && r == o.text && (name == "Unlock" || name == "RUnlock") {
				return true
			}
		}
		if returnsInside(st) {
			return false // a path that leaves before the unlock
		}
	}
	return false
}

// containsReturn reports whether a return is in n, outside function
// literals.
func containsReturn(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(c ast.Node) bool {
		switch c.(type) {
		case *ast.FuncLit:
			return c == n
		case *ast.ReturnStmt:
			found = true
		}
		return !found
	})
	return found
}

// returnsInside reports whether st holds a way out of its block before
// what follows it: a return, or a break, continue or goto, outside
// function literals and nested loops, switches and selects.
func returnsInside(st ast.Stmt) bool {
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
			if n != ast.Node(st) {
				// A break inside these ends them, not the block.
				found = found || containsReturn(n)
				return false
			}
		case *ast.ReturnStmt:
			found = true
		case *ast.BranchStmt:
			if n.Tok == token.BREAK || n.Tok == token.GOTO || n.Tok == token.CONTINUE {
				found = true
			}
		}
		return !found
	})
	return found
}
