package report

import (
	"go/ast"
	"go/token"
	"go/types"
)

// facts turns what the diagnosis read into Facts. w may be nil (no wait
// recognised); s is the blocking site.
func (d *diagnoser) facts(w *wait, s *site, f finding) Facts {
	var fs Facts
	fs.Context = contextInScope(s)
	if fs.Context != "" {
		fs.ContextFrom = "a parameter"
	}
	fs.Closer = f.closer
	if w == nil || len(w.objs) == 0 {
		return fs
	}
	obj := w.objs[0]
	fs.Op = obj.on.waitName(w.g.Reason)
	fs.Object = obj.text
	for _, h := range w.held {
		fs.Held = append(fs.Held, LockFact{Mutex: h.op.text, Read: h.op.kind == opRLock, Lock: h.op.ref(),
			Deferred: h.deferred})
	}
	if w.g.Reason == ReasonSelect {
		fs.Object = ""
		if n := s.onLine(func(n ast.Node) bool { _, ok := n.(*ast.SelectStmt); return ok }); n != nil {
			sel := n.(*ast.SelectStmt)
			sf := &SelectFacts{Line: s.file.lineOf(sel.Pos()), InLoop: s.loops > 0}
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
				c := SelectCase{Line: s.file.lineOf(cc.Pos()), Send: send, Channel: types.ExprString(ch)}
				if _, ok := isDoneRecv(&ast.UnaryExpr{X: ch, Op: token.ARROW}); ok && !send {
					c.Stop = true
				}
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
				sf.Cases = append(sf.Cases, c)
			}
			fs.Select = sf
		}
		return fs
	}
	for _, p := range w.partners(obj) {
		if p.file == s.file && p.line == obj.line {
			continue
		}
		fs.Partners = append(fs.Partners, p.ref())
	}
	if obj.on == opSend || obj.on == opRecv {
		if mk, buf, ok := d.makeOf(w, obj); ok {
			fs.Make, fs.Buffer = &mk, buf
		}
	}
	return fs
}

// waitName is Facts.Op for a blocked operation of kind k.
func (k opKind) waitName(r Reason) string {
	switch k {
	case opSend:
		return "send"
	case opRecv:
		if r == ReasonSelect {
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
