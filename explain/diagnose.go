package explain

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/values"
	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// diagnoser explains the groups of one report. It belongs to one Report
// call: the source cache it carries reads each file once for all groups.
type diagnoser struct {
	r    *report.Report // the report explained: its paths, its groups
	src  *sourceCache   // nil when source reading is off
	root string         // module root, where the package under test is found
	pkg  string         // import path of the package under test, when known
	// memo holds source findings by blocking place, so groups that differ
	// only in outer frames cost one source check between them.
	memo map[memoKey]memoized
	rels map[string]string // rel's cache
	// typeInfo holds packageTypes' results, for the suggested edits.
	typeInfo map[string]*types.Info
	// cancels holds the assignment index of each type-checked package,
	// built on the first cancel partner asked of it (preciseCancels).
	cancels map[*values.Package]*cancelIndex
	// waits are the groups whose wait the source shows, for relate.
	waits []*wait
	// partnerOf is, for each group relate named a partner for, the leaked
	// group that would release it (report.Report.FixVictims follows it).
	partnerOf map[*report.Group]*report.Group
}

// memoKey is what fromSource depends on besides the source.
type memoKey struct {
	reason         report.Reason
	block, created profile.Frame
}

type memoized struct {
	f finding
}

// finding is what one check concluded.
type finding struct {
	pattern  string
	summary  string
	evidence []string
	fix      string         // the group's own fix, "" for the pattern's
	closer   *report.Closer // the method that would release it
	held     *heldLock      // for a double lock: the lock already held
}

// rel is Report.RelPath for the diagnosis, cached: a report quotes few files
// many times.
func (d *diagnoser) rel(file string) string {
	if r, ok := d.rels[file]; ok {
		return r
	}
	if d.rels == nil {
		d.rels = make(map[string]string)
	}
	r := d.r.RelPath(file)
	d.rels[file] = r
	return r
}

func (d *diagnoser) pos(f profile.Frame) string {
	return d.r.Pos(f)
}

// diagnose explains one group.
func (d *diagnoser) diagnose(g *report.Group) report.Diagnosis {
	ev := d.r.StackEvidence(g)
	if diag, ok := d.r.StackShape(g, ev); ok {
		return diag
	}
	var frames []profile.Frame
	if g.Stack != nil {
		frames = g.Stack.Frames
	}

	if d.src != nil && g.Block.File != "" && !g.Block.Standard() {
		if file := d.src.file(g.Block.File); file != nil {
			if s := file.locate(g.Block.Line); s != nil {
				ev = append(ev, fmt.Sprintf("source line %d: `%s`", g.Block.Line, s.text))
				f := d.fromSourceOnce(g, s)
				w := d.waitOf(g)
				if w != nil {
					d.waits = append(d.waits, w)
				}
				if err := d.src.typeErr(g.Block.File); err != nil {
					ev = append(ev, "types not loaded ("+err.Error()+"): values are matched by their names in the syntax")
				}
				f = d.refine(g, w, f)
				if f.pattern != "" {
					if under := report.HTTPHandler(frames); under != "" && g.Reason.OnChannel() &&
						!strings.Contains(s.text, "Context()") && f.pattern != report.PatternContextNeverDone {
						f = finding{
							pattern: report.PatternHTTPHandlerCtx,
							summary: fmt.Sprintf("%s: the HTTP handler waits here without watching r.Context(), so a "+
								"cancelled request never ends it", d.pos(g.Block)),
							evidence: append(f.evidence, "the goroutine serves an HTTP request ("+under+" is on the stack)"),
						}
					}
					return report.Diagnosis{PatternID: f.pattern, Summary: f.summary, Evidence: append(ev, f.evidence...),
						FromSource: true, Fix: f.fix, Facts: d.facts(w, s, f)}
				}
			}
		} else {
			ev = append(ev, "source of "+d.rel(g.Block.File)+" not readable: diagnosis rests on the stack alone")
		}
	}

	return d.r.StackDiagnosis(g, ev)
}

// fromSourceOnce is fromSource remembered by what it depends on: the
// reason, the blocking place and the go statement (for contexts passed in).
func (d *diagnoser) fromSourceOnce(g *report.Group, s *site) finding {
	key := memoKey{reason: g.Reason, block: g.Block}
	if g.CreatedBy != nil {
		key.created = *g.CreatedBy
	}
	if m, ok := d.memo[key]; ok {
		return m.f
	}
	f := d.fromSource(g, s)
	// Shared between groups: appending must copy.
	f.evidence = slices.Clip(f.evidence)
	if d.memo == nil {
		d.memo = make(map[memoKey]memoized)
	}
	d.memo[key] = memoized{f}
	return f
}

// fromSource reads the statement at the blocking line. It returns an empty
// finding when the statement is not one it knows for the group's reason.
func (d *diagnoser) fromSource(g *report.Group, s *site) finding {
	at := d.pos(g.Block)
	switch g.Reason {
	case report.ReasonChanReceive, report.ReasonChanReceiveNil:
		return d.receive(g, s, at)
	case report.ReasonChanSend, report.ReasonChanSendNil:
		return d.send(g, s, at)
	case report.ReasonSelect:
		return d.selectStmt(g, s, at)
	case report.ReasonSelectNoCases:
		return finding{pattern: report.PatternEmptySelect,
			summary:  at + ": `select {}` blocks forever; give the goroutine a way to return",
			evidence: []string{"an empty select has no case that could ever proceed"}}
	case report.ReasonMutex:
		return d.mutex(s, at)
	case report.ReasonRWMutexRLock, report.ReasonRWMutexLock:
		return d.rwmutex(g, s, at)
	case report.ReasonWaitGroup:
		return d.waitGroup(s, at)
	case report.ReasonCond:
		return d.cond(s, at)
	case report.ReasonSleep:
		return d.sleep(s, at)
	case report.ReasonIOWait:
		return d.ioWait(s, at)
	}
	return finding{}
}

func (d *diagnoser) receive(g *report.Group, s *site, at string) finding {
	if n := s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.RangeStmt); return ok }); n != nil {
		rs := n.(*ast.RangeStmt)
		ch := types.ExprString(rs.X)
		if strings.HasSuffix(ch, ".C") {
			return d.ticker(at, ch, "a for-range loop over the ticker channel "+ch+" never ends")
		}
		f := finding{pattern: report.PatternRangeUnclosed,
			summary:  fmt.Sprintf("%s: `for range %s` waits for a value or a close; close(%s) when the sender is done", at, ch, ch),
			evidence: []string{fmt.Sprintf("source: a for-range loop over %s, which ends only when %s is closed", ch, ch)}}
		if closes := s.file.closes(s.file.ast, ch); len(closes) == 0 {
			f.evidence = append(f.evidence, fmt.Sprintf("no close(%s) in %s", lastName(ch), d.rel(s.file.path)))
		}
		return f
	}
	n := s.onLine(func(n ast.Node) bool { u, ok := n.(*ast.UnaryExpr); return ok && u.Op == token.ARROW })
	if n == nil {
		return finding{}
	}
	if ctx, ok := isDoneRecv(n.(*ast.UnaryExpr)); ok {
		f := finding{pattern: report.PatternContextNeverDone,
			summary: fmt.Sprintf("%s: `%s` waits for %s to be cancelled, and it never is — cancel it when the work "+
				"is over (tests: t.Context())", at, s.text, ctx),
			evidence: []string{fmt.Sprintf("source: a bare receive from %s.Done()", ctx)}}
		if origin := d.ctxOrigin(s, ctx, g.CreatedBy); origin != "" {
			f.evidence = append(f.evidence, origin)
		}
		return f
	}
	ch := types.ExprString(n.(*ast.UnaryExpr).X)
	if g.Reason == report.ReasonChanReceiveNil {
		return d.nilChan(s, at, ch, "receive from")
	}
	if strings.HasSuffix(ch, ".C") || strings.HasPrefix(ch, "time.") {
		return d.ticker(at, ch, "a receive from the timer channel "+ch+" with no stop")
	}
	f := finding{pattern: report.PatternRecvNoSender,
		summary: fmt.Sprintf("%s: `%s` receives from %s outside a select, with no cancellation case; nothing sends "+
			"to %s any more — select on ctx.Done() or close(%s)", at, s.text, ch, ch, ch),
		evidence: []string{fmt.Sprintf("source: a receive from %s outside select, no cancellation case", ch)}}
	return f
}

func (d *diagnoser) send(g *report.Group, s *site, at string) finding {
	n := s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.SendStmt); return ok })
	if n == nil {
		return finding{}
	}
	ch := types.ExprString(n.(*ast.SendStmt).Chan)
	if g.Reason == report.ReasonChanSendNil {
		return d.nilChan(s, at, ch, "send on")
	}
	f := finding{pattern: report.PatternSendNoReceiver,
		summary: fmt.Sprintf("%s: `%s` waits for a receiver that is gone — make %s buffered (1) or send in a "+
			"select with ctx.Done()", at, s.text, ch),
		evidence: []string{fmt.Sprintf("source: a send on %s outside select", ch)}}
	if s.decl != nil {
		if mk, line := s.file.makeChan(s.decl, ch); mk != nil {
			if len(mk.Args) == 1 {
				f.evidence = append(f.evidence, fmt.Sprintf("%s is made unbuffered at %s:%d", ch, d.rel(s.file.path), line))
			} else {
				f.evidence = append(f.evidence, fmt.Sprintf("%s is made with buffer %s at %s:%d, and the buffer is full",
					ch, types.ExprString(mk.Args[1]), d.rel(s.file.path), line))
			}
		}
		if timeout := s.file.timeoutSelect(s.decl, ch); timeout != 0 {
			f.evidence = append(f.evidence, fmt.Sprintf("the receiver's select at %s:%d can give up (timeout or "+
				"cancellation) and leave %s unread", d.rel(s.file.path), timeout, ch))
		}
	}
	return f
}

func (d *diagnoser) nilChan(s *site, at, ch, verb string) finding {
	f := finding{pattern: report.PatternNilChannel,
		summary:  fmt.Sprintf("%s: %s the nil channel %s blocks forever — initialise it with make", at, verb, ch),
		evidence: []string{"the runtime reports the channel is nil"}}
	if s.decl != nil {
		if line := s.file.nilChanDecl(s.decl, ch); line != 0 {
			f.evidence = append(f.evidence, fmt.Sprintf("%s is declared without make at %s:%d", ch, d.rel(s.file.path), line))
		}
	}
	return f
}

func (d *diagnoser) ticker(at, ch, what string) finding {
	return finding{pattern: report.PatternTickerLoop,
		summary:  fmt.Sprintf("%s: %s — select on it together with ctx.Done() and stop the ticker", at, what),
		evidence: []string{"source: waits on " + ch + ", which keeps ticking or never fires again"}}
}

func (d *diagnoser) selectStmt(g *report.Group, s *site, at string) finding {
	n := s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.SelectStmt); return ok })
	if n == nil {
		return finding{}
	}
	sel := n.(*ast.SelectStmt)
	var doneCtx, chans []string
	ticker := false
	for _, st := range sel.Body.List {
		cc, ok := st.(*ast.CommClause)
		if !ok || cc.Comm == nil {
			continue
		}
		ch, _ := commChan(cc)
		if ch == nil {
			continue
		}
		if x, ok := isDoneRecv(&ast.UnaryExpr{Op: token.ARROW, X: ch}); ok {
			doneCtx = append(doneCtx, x)
			continue
		}
		text := types.ExprString(ch)
		chans = append(chans, text)
		if strings.HasSuffix(text, ".C") || strings.HasPrefix(text, "time.Tick") || strings.HasPrefix(text, "time.After") {
			ticker = true
		}
	}
	loop := "a select"
	if s.loops > 0 {
		loop = "a select inside a for loop"
	}
	caseList := strings.Join(chans, ", ")
	if len(doneCtx) > 0 {
		ctx := doneCtx[0]
		f := finding{pattern: report.PatternContextNeverDone,
			summary: fmt.Sprintf("%s: the select has a %s.Done() case, but %s is never cancelled — cancel it when "+
				"the work is over (tests: t.Context())", at, ctx, ctx),
			evidence: []string{fmt.Sprintf("source: %s with cases on %s and %s.Done()", loop, caseList, ctx)}}
		if origin := d.ctxOrigin(s, ctx, g.CreatedBy); origin != "" {
			f.evidence = append(f.evidence, origin)
		}
		return f
	}
	if ticker && s.loops > 0 {
		return finding{pattern: report.PatternTickerLoop,
			summary: fmt.Sprintf("%s: a ticker loop whose select has no stop case — add case <-ctx.Done(): return "+
				"and stop the ticker", at),
			evidence: []string{fmt.Sprintf("source: %s with cases on %s, no Done() case, no default", loop, caseList)}}
	}
	return finding{pattern: report.PatternSelectNoExit,
		summary: fmt.Sprintf("%s: %s whose cases (%s) never fire again and none means stop — add case "+
			"<-ctx.Done(): return", at, loop, caseList),
		evidence: []string{fmt.Sprintf("source: %s with cases on %s, no Done() case, no default", loop, caseList)}}
}

// ctxOrigin looks for where the context named ctx comes from, in the
// blocking function and at the go statement that started the goroutine,
// and says why it is never cancelled when the source shows it.
func (d *diagnoser) ctxOrigin(s *site, ctx string, creator *profile.Frame) string {
	if s.decl != nil {
		if why := s.file.uncancelled(s.decl, ctx); why != "" {
			return fmt.Sprintf("%s in %s", why, d.rel(s.file.path))
		}
	}
	if creator == nil || d.src == nil {
		return ""
	}
	cf := d.src.file(creator.File)
	if cf == nil {
		return ""
	}
	cs := cf.locate(creator.Line)
	if cs == nil || cs.decl == nil {
		return ""
	}
	if n := cs.onLine(func(n ast.Node) bool { _, ok := n.(*ast.GoStmt); return ok }); n != nil {
		for _, a := range n.(*ast.GoStmt).Call.Args {
			if c, ok := a.(*ast.CallExpr); ok && (isCallTo(c, "context", "Background") || isCallTo(c, "context", "TODO")) {
				return fmt.Sprintf("the go statement at %s:%d passes %s, which is never cancelled",
					d.rel(cf.path), creator.Line, types.ExprString(c))
			}
			if id, ok := a.(*ast.Ident); ok {
				if why := cf.uncancelled(cs.decl, id.Name); why != "" {
					return fmt.Sprintf("%s in %s (passed by the go statement at line %d)", why, d.rel(cf.path), creator.Line)
				}
			}
		}
	}
	return ""
}

func (d *diagnoser) mutex(s *site, at string) finding {
	n := s.onLine(func(n ast.Node) bool { _, name, ok := methodCall(n); return ok && name == "Lock" })
	if n == nil {
		return finding{}
	}
	mu, _, _ := methodCall(n)
	f := finding{pattern: report.PatternMutexHeld,
		summary: fmt.Sprintf("%s: %s.Lock() waits for a lock that is never released — unlock with defer right "+
			"after every Lock", at, mu),
		evidence: []string{fmt.Sprintf("source: %s.Lock(); another goroutine holds %s", mu, mu)}}
	// The blocking Lock itself is listed too: when its function is called
	// again after an early return, it is the lock left held.
	for _, l := range s.file.lockWithoutDefer(mu, "Lock", "Unlock") {
		f.evidence = append(f.evidence, fmt.Sprintf("%s.Lock() at %s:%d has no deferred Unlock in its function",
			mu, d.rel(s.file.path), l))
	}
	return f
}

func (d *diagnoser) rwmutex(g *report.Group, s *site, at string) finding {
	method := "RLock"
	if g.Reason == report.ReasonRWMutexLock {
		method = "Lock"
	}
	n := s.onLine(func(n ast.Node) bool { _, name, ok := methodCall(n); return ok && name == method })
	if n == nil {
		return finding{}
	}
	mu, _, _ := methodCall(n)
	f := finding{pattern: report.PatternRWMutexDeadlock,
		summary:  fmt.Sprintf("%s: %s.%s() waits on a lock that is held and never released", at, mu, method),
		evidence: []string{fmt.Sprintf("source: %s.%s()", mu, method)}}
	if method == "Lock" {
		for _, l := range s.file.lockWithoutDefer(mu, "RLock", "RUnlock") {
			f.evidence = append(f.evidence, fmt.Sprintf("%s.RLock() at %s:%d has no deferred RUnlock",
				mu, d.rel(s.file.path), l))
		}
	}
	for _, l := range s.file.lockWithoutDefer(mu, "Lock", "Unlock") {
		if l != s.line {
			f.evidence = append(f.evidence, fmt.Sprintf("%s.Lock() at %s:%d has no deferred Unlock",
				mu, d.rel(s.file.path), l))
		}
	}
	return f
}

func (d *diagnoser) waitGroup(s *site, at string) finding {
	n := s.onLine(func(n ast.Node) bool { _, name, ok := methodCall(n); return ok && name == "Wait" })
	if n == nil {
		return finding{}
	}
	wg, _, _ := methodCall(n)
	f := finding{pattern: report.PatternWaitGroup,
		summary: fmt.Sprintf("%s: %s.Wait() never returns: a Done is missing — Add before go, defer %s.Done()",
			at, wg, lastName(wg)),
		evidence: []string{fmt.Sprintf("source: %s.Wait()", wg)}}
	if s.decl == nil {
		return f
	}
	if loop, ok := waitInStartingLoop(s, wg); ok {
		f.summary = fmt.Sprintf("%s: %s.Wait() sits inside the loop (line %d) that starts the goroutines it waits for: "+
			"the first pass waits for goroutines later passes would start — move %s.Wait() after the loop",
			at, wg, s.file.lineOf(loop.Pos()), wg)
		f.evidence = append(f.evidence, fmt.Sprintf("source: the loop at %s:%d has a go statement and %s.Wait() in its body",
			d.rel(s.file.path), s.file.lineOf(loop.Pos()), wg))
		f.fix = fmt.Sprintf("move %s.Wait() after the loop at line %d", wg, s.file.lineOf(loop.Pos()))
		return f
	}
	ast.Inspect(s.decl, func(n ast.Node) bool {
		gs, ok := n.(*ast.GoStmt)
		if !ok {
			return true
		}
		lit, ok := gs.Call.Fun.(*ast.FuncLit)
		if !ok {
			return true
		}
		if adds := s.file.calls(lit.Body, lastName(wg), "Add"); len(adds) > 0 {
			f.evidence = append(f.evidence, fmt.Sprintf("%s.Add at %s:%d runs inside the goroutine, after Wait may "+
				"have started", lastName(wg), d.rel(s.file.path), adds[0]))
		}
		dones := s.file.calls(lit.Body, lastName(wg), "Done")
		if len(dones) > 0 && !deferredSuffix(lit.Body, lastName(wg), "Done") && hasReturnBefore(s.file, lit.Body, dones[0]) {
			f.evidence = append(f.evidence, fmt.Sprintf("%s.Done at %s:%d is not deferred and a return before it "+
				"skips it", lastName(wg), d.rel(s.file.path), dones[0]))
			f.summary = fmt.Sprintf("%s: %s.Wait() never returns: the goroutine's return before %s.Done() "+
				"(line %d) skips it — defer %s.Done()", at, wg, lastName(wg), dones[0], lastName(wg))
		}
		return true
	})
	return f
}

// waitInStartingLoop returns the innermost loop of the blocking function
// around the Wait when its own body (not a nested loop, not a function
// literal) starts a goroutine and the WaitGroup wg is declared outside
// it: Wait then runs before the later passes start theirs.
func waitInStartingLoop(s *site, wg string) (ast.Node, bool) {
	for i := len(s.path) - 1; i >= 0; i-- {
		var body *ast.BlockStmt
		switch n := s.path[i].(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return nil, false
		case *ast.ForStmt:
			body = n.Body
		case *ast.RangeStmt:
			body = n.Body
		default:
			continue
		}
		if strings.Contains(wg, ".") || declares(body, wg, false) {
			return nil, false
		}
		starts := false
		ast.Inspect(body, func(n ast.Node) bool {
			switch n.(type) {
			case *ast.FuncLit, *ast.ForStmt, *ast.RangeStmt:
				return false
			case *ast.GoStmt:
				starts = true
			}
			return !starts
		})
		return s.path[i], starts
	}
	return nil, false
}

func (d *diagnoser) cond(s *site, at string) finding {
	n := s.onLine(func(n ast.Node) bool { _, name, ok := methodCall(n); return ok && name == "Wait" })
	if n == nil {
		return finding{}
	}
	c, _, _ := methodCall(n)
	f := finding{pattern: report.PatternCondNoSignal,
		summary: fmt.Sprintf("%s: %s.Wait() is never woken — Broadcast after every change of the condition, "+
			"including shutdown", at, c),
		evidence: []string{fmt.Sprintf("source: %s.Wait()", c)}}
	sig := s.file.calls(s.file.ast, lastName(c), "Signal", "Broadcast")
	if len(sig) == 0 {
		f.evidence = append(f.evidence, fmt.Sprintf("no %s.Signal or %s.Broadcast in %s", lastName(c), lastName(c),
			d.rel(s.file.path)))
	} else {
		f.evidence = append(f.evidence, fmt.Sprintf("%s.Signal/Broadcast at %s %s %s, none reached for this "+
			"waiter", lastName(c), d.rel(s.file.path), "line"+words.PluralSuffix(len(sig)), joinInts(sig)))
	}
	return f
}

func (d *diagnoser) sleep(s *site, at string) finding {
	if !s.endlessLoop() {
		return finding{pattern: report.PatternSleepLoop,
			summary:  fmt.Sprintf("%s: `%s` — a long sleep with no way to interrupt it; wait on a timer and ctx.Done()", at, s.text),
			evidence: []string{"source: a sleep outside an endless loop"}}
	}
	return finding{pattern: report.PatternSleepLoop,
		summary: fmt.Sprintf("%s: `%s` in a for loop with no exit — replace it with a ticker in a select on "+
			"ctx.Done()", at, s.text),
		evidence: []string{"source: time.Sleep inside `for {}` with no return or break"}}
}

func (d *diagnoser) ioWait(s *site, at string) finding {
	f := finding{pattern: report.PatternIONoDeadline,
		summary: fmt.Sprintf("%s: `%s` waits on the network with no deadline — close the connection on "+
			"shutdown, set a read deadline", at, s.text),
		evidence: []string{"source: a network wait in " + d.rel(s.file.path)}}
	if dl := s.file.calls(s.file.ast, "", "SetDeadline", "SetReadDeadline"); len(dl) == 0 {
		f.evidence = append(f.evidence, "no SetDeadline/SetReadDeadline call in "+d.rel(s.file.path))
	}
	return f
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
