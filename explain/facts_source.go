package explain

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/leakhound/leakhound/report"
)

// facts turns what the diagnosis read into Facts. w may be nil (no wait
// recognised); s is the blocking site.
func (d *diagnoser) facts(w *wait, s *site, f finding) report.Facts {
	var fs report.Facts
	fs.Context = contextInScope(s)
	if fs.Context != "" {
		fs.ContextFrom = "a parameter"
	}
	fs.Closer = f.closer
	if w == nil || len(w.objs) == 0 {
		// A wait on a context's Done with no channel the diagnosis
		// follows: its partners are the calls of the context's cancel.
		if sel := selectOnLine(s); sel != nil {
			if sf := d.selectFacts(nil, s, sel); hasPartners(sf) {
				fs.Select = sf
			}
		} else if ch := doneRecvAt(s); ch != nil {
			fs.Partners = d.cancelPartners(s.file, ch)
		}
		return fs
	}
	obj := w.objs[0]
	fs.Op = obj.on.waitName(w.g.Reason)
	fs.Object = obj.text
	fs.Held = heldFacts(w.held)
	if w.g.Reason == report.ReasonSelect {
		fs.Object = ""
		if sel := selectOnLine(s); sel != nil {
			fs.Select = d.selectFacts(w, s, sel)
		}
		return fs
	}
	for _, p := range w.partners(obj) {
		if p.file == s.file && p.line == obj.line {
			continue
		}
		fs.Partners = append(fs.Partners, p.ref())
	}
	fs.Partners = append(fs.Partners, heldReadRelease(w, obj)...)
	if obj.on == opSend || obj.on == opRecv {
		if mk, buf, ok := d.makeOf(w, obj); ok {
			fs.Make, fs.Buffer = &mk, buf
		}
	}
	return fs
}

// heldReadRelease returns, for a read lock taken again by a goroutine
// that already holds it, the release of the read lock it holds: a writer
// waiting for that release is what blocks the second RLock, so it is the
// statement whose running would free both. It is the RUnlock of the same
// lock that follows the held RLock in its function.
func heldReadRelease(w *wait, obj waitObj) []report.SourceRef {
	if obj.on != opRLock {
		return nil
	}
	var out []report.SourceRef
	for _, h := range w.held {
		if h.op.kind != opRLock {
			continue
		}
		if same, _ := h.key.matches(obj.key); !same {
			continue
		}
		for _, p := range w.scope {
			for _, u := range p.lookup(h.key, opRUnlock) {
				if u.file == h.op.file && u.fn == h.op.fn && u.line > h.op.line {
					out = append(out, u.ref())
					return out
				}
			}
		}
	}
	return out
}

// selectOnLine returns the select statement on the site's line, nil when
// there is none.
func selectOnLine(s *site) *ast.SelectStmt {
	n := s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.SelectStmt); return ok })
	if n == nil {
		return nil
	}
	return n.(*ast.SelectStmt)
}

// selectFacts describes the select a goroutine blocks in: each case with
// the partners of its channel (w's objects; w may be nil) and, for a case
// on a context's Done, the calls of that context's cancel.
func (d *diagnoser) selectFacts(w *wait, s *site, sel *ast.SelectStmt) *report.SelectFacts {
	sf := &report.SelectFacts{Line: s.file.lineOf(sel.Pos()), InLoop: s.loops > 0}
	for _, st := range sel.Body.List {
		cc := st.(*ast.CommClause)
		if cc.Comm == nil {
			sf.Default = true
			continue
		}
		ch, send := commChan(cc)
		if ch == nil {
			continue
		}
		c := report.SelectCase{Line: s.file.lineOf(cc.Pos()), Send: send, Channel: types.ExprString(ch)}
		if _, ok := isDoneRecv(&ast.UnaryExpr{X: ch, Op: token.ARROW}); ok && !send {
			c.Stop = true
			c.Partners = append(c.Partners, d.cancelPartners(s.file, ch)...)
		}
		if w != nil {
			for _, o := range w.objs {
				if o.line != c.Line {
					continue
				}
				for _, p := range w.partners(o) {
					c.Partners = append(c.Partners, p.ref())
					if p.kind == opClose && !send {
						c.Stop = true
					}
				}
			}
		}
		sf.Cases = append(sf.Cases, c)
	}
	return sf
}

// hasPartners reports whether any case of sf names a partner.
func hasPartners(sf *report.SelectFacts) bool {
	for _, c := range sf.Cases {
		if len(c.Partners) > 0 {
			return true
		}
	}
	return false
}

// waitName is Facts.Op for a blocked operation of kind k.
func (k opKind) waitName(r report.Reason) string {
	switch k {
	case opSend:
		return "send"
	case opRecv:
		if r == report.ReasonSelect {
			return "select"
		}
		return "receive"
	case opLock:
		return "lock"
	case opRLock:
		return "rlock"
	case opDone:
		return "wait"
	case opSignal:
		return "cond"
	}
	return ""
}

// heldFacts are the locks a goroutine holds where it blocks, as facts.
func heldFacts(held []heldLock) []report.LockFact {
	var out []report.LockFact
	for _, h := range held {
		out = append(out, report.LockFact{Mutex: h.op.text, Read: h.op.kind == opRLock, Lock: h.op.ref(), Deferred: h.deferred})
	}
	return out
}
