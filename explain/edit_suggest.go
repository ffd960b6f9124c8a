package explain

import (
	"go/ast"
	"go/token"
	"strings"

	"github.com/leakhound/leakhound/internal/fixrule"
	"github.com/leakhound/leakhound/internal/srcfile"
	"github.com/leakhound/leakhound/report"
)

// editor computes the suggested edits for one group: the source site where
// it blocks and what the diagnosis found there.
type editor struct {
	d *diagnoser
	g *report.Group
	s *site
	// noCtx says why the context in scope cannot serve, when it is one
	// nothing cancels.
	noCtx string
	// fix, set by a rule, replaces the diagnosis's fix: the edit found
	// is what the code needs, said better than the catalog's advice.
	fix string
	// why, set by a rule, replaces the diagnosis's summary: the rule
	// found what the general reading of the wait could not tell (that
	// the release ran, and released another goroutine).
	why string
}

// suggest sets g.Diagnosis.Suggestion when the diagnosed shape has a
// mechanical, safe edit, and g.Diagnosis.NoEdit with the reason when the
// source was read and none applies. It runs after every group is
// diagnosed, so cross-group facts (goroutines waiting on each other) are
// known.
func (d *diagnoser) suggest(g *report.Group) {
	if d.src == nil || g.Diagnosis.PatternID == report.PatternRuntime {
		return
	}
	if g.Diagnosis.PatternID == report.PatternHTTPClientConn && d.suggestHTTP(g) {
		return
	}
	if sug := d.pipeWriterEdit(g); sug != nil {
		d.finishSuggestion(g, sug)
		return
	}
	if !g.Diagnosis.FromSource || g.Block.File == "" {
		if g.Block.File == "" || g.Block.Standard() {
			g.Diagnosis.NoEdit = "no frame of these goroutines' stack is in your code, so there is no line of " +
				"yours to edit; the catalog's sample shows the fix"
		}
		return
	}
	f := d.src.file(g.Block.File)
	if f == nil {
		return
	}
	s := f.locate(g.Block.Line)
	if s == nil {
		return
	}
	e := &editor{d: d, g: g, s: s}
	sug, why := e.rules()
	if sug != nil {
		if e.fix != "" {
			g.Diagnosis.Fix = e.fix
		}
		if e.why != "" {
			g.Diagnosis.Summary = e.why
		}
		d.finishSuggestion(g, sug)
		return
	}
	if why == "" {
		why = "no safe mechanical edit for this shape; the catalog's sample shows the fix"
	}
	g.Diagnosis.NoEdit = why
}

// pipeWriterEdit is deferPipeClose for a group diagnosed from the stack
// alone (a pipe's read blocks inside package io), with its fix.
func (d *diagnoser) pipeWriterEdit(g *report.Group) *report.Suggestion {
	if g.Block.File == "" || g.Block.Standard() {
		return nil
	}
	f := d.src.file(g.Block.File)
	if f == nil {
		return nil
	}
	s := f.locate(g.Block.Line)
	if s == nil {
		return nil
	}
	e := &editor{d: d, g: g, s: s}
	sug, _ := e.deferPipeClose()
	if sug != nil && e.fix != "" {
		g.Diagnosis.Fix = e.fix
	}
	return sug
}

// finishSuggestion puts sug's edits in file order, shows each on one line
// and sets it as g's suggestion.
func (d *diagnoser) finishSuggestion(g *report.Group, sug *report.Suggestion) {
	sug.Arrange(func(file string) ([]byte, bool) {
		if f := d.src.file(file); f != nil {
			return f.src, true
		}
		return nil, false
	})
	g.Diagnosis.Suggestion = sug
}

// rules picks the edit for the group's pattern. It returns the suggestion,
// or why there is none.
func (e *editor) rules() (*report.Suggestion, string) {
	switch e.g.Diagnosis.PatternID {
	case report.PatternRangeUnclosed, report.PatternRecvNoSender, report.PatternGenericReceive, report.PatternSelectNoExit,
		report.PatternContextNeverDone, report.PatternNeverClosed, report.PatternGenericSelect:
		if e.g.Reason.OnChannel() {
			if sug, _ := e.callOnEarlyExit(); sug != nil {
				return sug, ""
			}
		}
	}
	switch e.g.Diagnosis.PatternID {
	case report.PatternRangeUnclosed, report.PatternRecvNoSender, report.PatternGenericReceive, report.PatternSelectNoExit:
		sug, why := e.closeOnEarlyExit()
		if sug != nil {
			return sug, ""
		}
		if why != "" && e.g.Diagnosis.PatternID == report.PatternRangeUnclosed {
			sug, whyRanged := e.closeRanged()
			if sug != nil {
				return sug, ""
			}
			return nil, joinWhy(why, whyRanged)
		}
		if e.g.Diagnosis.PatternID == report.PatternRangeUnclosed {
			if sug, _ := e.closeAfterWait(); sug != nil {
				return sug, ""
			}
		}
	}
	switch e.g.Diagnosis.PatternID {
	case report.PatternSendNoReceiver, report.PatternGenericSend, report.PatternMutualWait, report.PatternHTTPHandlerCtx,
		report.PatternRecvNoSender, report.PatternGenericReceive:
		switch e.g.Reason {
		case report.ReasonChanSend:
			return e.blockedSend()
		case report.ReasonChanReceive:
			return e.blockedReceive()
		case report.ReasonSelect:
			return e.selectExit()
		}
	case report.PatternRangeUnclosed:
		return e.closeRanged()
	case report.PatternSelectNoExit, report.PatternTickerLoop, report.PatternGenericSelect:
		if sug, _ := e.closeForEveryWaiter(); sug != nil {
			return sug, ""
		}
		if e.g.Reason == report.ReasonSelect {
			return e.selectExit()
		}
		return nil, "the loop ranges over the ticker's channel: turn it into a select on the ticker and " +
			"ctx.Done() (the catalog's sample); that is a rewrite, not a mechanical edit"
	case report.PatternNeverClosed:
		if sug, _ := e.cancelOnEveryExit(); sug != nil {
			return sug, ""
		}
		if sug, _ := e.closeForEveryWaiter(); sug != nil {
			return sug, ""
		}
		return e.callCloser()
	case report.PatternContextNeverDone:
		sug, why := e.cancelContext()
		if sug == nil {
			if other, whyOther := e.cancelOnEveryExit(); other != nil || whyOther != "" {
				return other, joinWhy(why, whyOther)
			}
			if other, _ := e.cancelOverwritten(); other != nil {
				return other, ""
			}
			if other, _ := e.passCallersContext(); other != nil {
				return other, ""
			}
			if other, _ := e.useDerivedContext(); other != nil {
				return other, ""
			}
		}
		return sug, why
	case report.PatternCondNoSignal:
		return e.broadcastForMixedWaiters()
	case report.PatternWaitGroup:
		if sug := e.lateDeferredDone(); sug != nil {
			return sug, ""
		}
		if sug, why := e.deferSkippedDone(); sug != nil || why != "" {
			return sug, why
		}
		return e.deferDone()
	}
	switch e.g.Diagnosis.PatternID {
	case report.PatternMutexHeld, report.PatternRWMutexDeadlock, report.PatternDoubleLock:
		for _, pair := range [][2]string{{"Lock", "Unlock"}, {"RLock", "RUnlock"}} {
			if sug := e.deferUnlockEarlier(pair[0], pair[1]); sug != nil {
				return sug, ""
			}
		}
	}
	switch e.g.Diagnosis.PatternID {
	case report.PatternMutexHeld:
		if sug := e.doubleLock(); sug != nil {
			return sug, ""
		}
		sug, why := e.deferUnlock()
		if sug == nil {
			if other, _ := e.unlockBeforeExits("Lock", "Unlock"); other != nil {
				return other, ""
			}
		}
		return sug, why
	case report.PatternRWMutexDeadlock:
		for _, pair := range [][2]string{{"RLock", "RUnlock"}, {"Lock", "Unlock"}} {
			if sug, _ := e.unlockBeforeExits(pair[0], pair[1]); sug != nil {
				return sug, ""
			}
		}
		if e.holdsReadLock() {
			return nil, "a read lock is taken again while held, behind a waiting writer: split off a helper that " +
				"expects the lock held (the catalog's sample) — a design choice, not a mechanical edit"
		}
		// No read lock of this mutex was found held in the goroutine's
		// frames, which does not prove there is none (a Cond's RLocker
		// takes it under another name): say what to do in either case.
		return nil, "no safe mechanical edit at this line: the lock's holder must release it (see the fix), " +
			"or, where this goroutine took the read lock earlier, split off a helper that expects it held " +
			"(the catalog's sample)"
	case report.PatternDoubleLock:
		if sug := e.doubleLock(); sug != nil {
			return sug, ""
		}
		// Locked again by the next turn of a loop an early continue
		// started without the unlock.
		if sug, why := e.unlockBeforeExits("Lock", "Unlock"); sug != nil || why != "" {
			return sug, why
		}
		return nil, "the lock is taken again in another function on the same stack: release it before the call, " +
			"or call a variant that expects it held (the catalog's sample) — which one is a design choice"
	}
	return nil, ""
}

// blockedSend: buffer the channel for its senders; else move the send out
// of the lock it holds; else send in a select with the context in scope.
func (e *editor) blockedSend() (*report.Suggestion, string) {
	n := e.s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.SendStmt); return ok })
	if n == nil {
		return nil, ""
	}
	send := n.(*ast.SendStmt)
	sug, whyBuf := e.bufferChannel(send)
	if sug != nil {
		return sug, ""
	}
	if sug := e.unlockBeforeSend(send); sug != nil {
		return sug, ""
	}
	if sug, _ := e.selectOnReceiverStop(send); sug != nil {
		return sug, ""
	}
	if sug, _ := e.selectOnOwnerContext(send); sug != nil {
		return sug, ""
	}
	sug, whyCtx := e.wrapInSelect(send)
	if sug != nil {
		return sug, ""
	}
	return nil, joinWhy(whyBuf, whyCtx)
}

// blockedReceive: receive in a select with the context in scope.
func (e *editor) blockedReceive() (*report.Suggestion, string) {
	n := e.s.onLine(func(n ast.Node) bool { u, ok := n.(*ast.UnaryExpr); return ok && u.Op == token.ARROW })
	if n == nil {
		return nil, ""
	}
	// A goroutine that waits only to cancel its creator's context: a
	// select on that context alone would wait for itself.
	if sug, why := e.cancelOnEveryExit(); sug != nil || why != "" {
		return sug, why
	}
	return e.wrapInSelect(n.(*ast.UnaryExpr))
}

func joinWhy(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

// newEdit builds the edit replacing [start, end) of f with text.
func newEdit(f *srcFile, start, end int, text string) report.Edit {
	return report.Edit{
		File:    f.path,
		Start:   start,
		End:     end,
		Line:    f.tok.Line(f.tok.Pos(start)),
		EndLine: f.tok.Line(f.tok.Pos(end)),
		Old:     string(f.src[start:end]),
		New:     text,
	}
}

// indentAt returns the leading white space of the line holding off.
func (f *srcFile) indentAt(off int) string {
	ls := srcfile.LineStart(f.src, off)
	i := ls
	for i < len(f.src) && (f.src[i] == '\t' || f.src[i] == ' ') {
		i++
	}
	return string(f.src[ls:i])
}

// alone reports whether n is the only code on its lines: nothing but
// white space before it and at most a comment after it.
func (f *srcFile) alone(n ast.Node) bool {
	start, end := f.posOffset(n.Pos()), f.posOffset(n.End())
	if strings.TrimSpace(string(f.src[srcfile.LineStart(f.src, start):start])) != "" {
		return false
	}
	rest := strings.TrimSpace(string(f.src[end:max(end, srcfile.LineEnd(f.src, end))]))
	return rest == "" || strings.HasPrefix(rest, "//")
}

// insertAfter is the edit adding text as a new line after the line where
// n ends, indented like n's first line.
func (f *srcFile) insertAfter(n ast.Node, text string) report.Edit {
	at := srcfile.LineEnd(f.src, f.posOffset(n.End()))
	return newEdit(f, at, at, f.indentAt(f.posOffset(n.Pos()))+text+"\n")
}

// insertBefore is the edit adding text as a new line before n's line,
// indented like it.
func (f *srcFile) insertBefore(n ast.Node, text string) report.Edit {
	start := f.posOffset(n.Pos())
	at := srcfile.LineStart(f.src, start)
	return newEdit(f, at, at, f.indentAt(start)+text+"\n")
}

// deleteLines is the edit removing the lines n occupies.
func (f *srcFile) deleteLines(n ast.Node) report.Edit {
	start := srcfile.LineStart(f.src, f.posOffset(n.Pos()))
	return newEdit(f, start, srcfile.LineEnd(f.src, f.posOffset(n.End())), "")
}

// insertFirst is the edit adding text as the first statement of body; ok
// is false when the body is written on one line (an edit there would not
// be gofmt's layout).
func (f *srcFile) insertFirst(body *ast.BlockStmt, text string) (report.Edit, bool) {
	if f.lineOf(body.Lbrace) == f.lineOf(body.Rbrace) {
		return report.Edit{}, false
	}
	indent := f.indentAt(f.posOffset(body.Lbrace)) + "\t"
	if len(body.List) > 0 {
		indent = f.indentAt(f.posOffset(body.List[0].Pos()))
	}
	at := srcfile.LineEnd(f.src, f.posOffset(body.Lbrace))
	return newEdit(f, at, at, indent+text+"\n"), true
}

// enclosingBlock returns the block statement list holding stmt directly,
// and stmt's index in it.
func enclosingBlock(root ast.Node, stmt ast.Stmt) (*ast.BlockStmt, int) {
	var block *ast.BlockStmt
	idx := -1
	ast.Inspect(root, func(n ast.Node) bool {
		if block != nil {
			return false
		}
		list, _ := fixrule.StmtList(n)
		for i, st := range list {
			if st == stmt {
				if b, ok := n.(*ast.BlockStmt); ok {
					block, idx = b, i
				} else {
					block, idx = &ast.BlockStmt{List: list}, i
				}
				return false
			}
		}
		return true
	})
	return block, idx
}

// creatorSite returns the site of the go statement that started the
// group, nil when it is not known or its source is not read.
func (e *editor) creatorSite() *site {
	c := e.g.CreatedBy
	if c == nil || e.d.src == nil || c.Standard() {
		return nil
	}
	cf := e.d.src.file(c.File)
	if cf == nil {
		return nil
	}
	return cf.locate(c.Line)
}

// stmtOf returns the innermost statement of the site's path holding n.
func (e *editor) stmtOf(n ast.Node) ast.Stmt {
	var found ast.Stmt
	ast.Inspect(e.s.fn, func(c ast.Node) bool {
		if c == nil || c.Pos() > n.Pos() || c.End() < n.End() {
			return false
		}
		if st, ok := c.(ast.Stmt); ok {
			if _, block := c.(*ast.BlockStmt); !block {
				found = st
			}
		}
		return true
	})
	return found
}
