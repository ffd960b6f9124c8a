package explain

import (
	"fmt"
	"go/ast"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// This file connects groups: for each group whose wait the source shows,
// which other leaked groups would release it (the holder of its lock, the
// goroutine that would serve its channel later), and the cycles in that
// "waits for" relation — shown once, as one group of groups.

// waitEdge says that from waits for to: to holds the lock from wants, or
// to would serve from's channel (or call Done, or signal) only after its
// own wait.
type waitEdge struct {
	from, to *wait
	obj      waitObj
	release  *srcOp // the releasing statement of to, or the Lock it took
	lock     bool   // to holds the lock
	writer   bool   // to is a writer waiting, which blocks from's RLock
}

// edges computes who waits for whom among the groups with a known wait.
func (d *diagnoser) edges() map[*wait][]waitEdge {
	out := make(map[*wait][]waitEdge)
	onStack := d.functionsOnStacks()
	for _, w := range d.waits {
		if d.cancelledFromOutside(w, onStack) {
			continue // it waits for whoever cancels, not for the groups
		}
		for _, obj := range w.objs {
			for _, h := range d.waits {
				if h == w {
					continue
				}
				switch obj.on {
				case opLock, opRLock:
					for _, hl := range h.held {
						if ok, _ := hl.key.matches(obj.key); !ok || (obj.on == opRLock && hl.op.kind == opRLock) {
							continue
						}
						out[w] = append(out[w], waitEdge{from: w, to: h, obj: obj, release: hl.op, lock: true})
						break
					}
					// A waiting writer blocks new readers: one that already
					// holds a read lock (a recursive RLock), and one that
					// holds none, which waits for the writer to have had its
					// turn.
					if obj.on == opRLock {
						for _, ho := range h.objs {
							if ok, _ := ho.key.matches(obj.key); ok && ho.on == opLock && (len(w.held) == 0 || holdsRead(w, obj)) {
								out[w] = append(out[w], waitEdge{from: w, to: h, obj: obj, writer: true,
									release: &srcOp{kind: opLock, text: ho.text, file: h.site.file, line: ho.line,
										decl: h.site.decl, fn: h.site.fn}})
							}
						}
					}
				default:
					if o := h.servesLater(obj); o != nil {
						out[w] = append(out[w], waitEdge{from: w, to: h, obj: obj, release: o})
					}
				}
			}
		}
	}
	return out
}

// functionsOnStacks returns the functions the leaked groups' frames stand
// in, each as its file, a NUL and its name (funcName).
func (d *diagnoser) functionsOnStacks() map[string]bool {
	onStack := make(map[string]bool)
	for _, h := range d.waits {
		for _, fs := range h.frames {
			if fs.s.decl != nil {
				onStack[fs.f.File+"\x00"+funcName(fs.s.decl, fs.s.decl)] = true
			}
		}
	}
	return onStack
}

// onFrames reports whether the function declared at decl (a SourceRef of
// its declaration line) is on one of w's frames.
func onFrames(w *wait, decl report.SourceRef) bool {
	for _, fs := range w.frames {
		if fs.s.decl != nil && fs.s.file.path == decl.File && fs.s.file.lineOf(fs.s.decl.Pos()) == decl.Line {
			return true
		}
	}
	return false
}

// cancelledFromOutside reports whether w is a select with a case on a
// context's Done that code in none of the functions onStack cancels (a
// Shutdown method, say): a select returns on any of its cases, so such a
// goroutine waits for that call, and what the other cases wait for (other
// stuck goroutines) is no deadlock of theirs.
func (d *diagnoser) cancelledFromOutside(w *wait, onStack map[string]bool) bool {
	if w.g.Reason != report.ReasonSelect {
		return false
	}
	for _, ch := range doneWaits(w.site) {
		for _, p := range d.cancelPartners(w.site.file, ch) {
			pf := d.src.file(p.File)
			if pf == nil {
				continue
			}
			if ps := pf.locate(p.Line); ps != nil && ps.decl != nil && !onStack[p.File+"\x00"+funcName(ps.decl, ps.decl)] {
				return true
			}
		}
	}
	return false
}

// holdsRead reports whether w holds a read lock on obj's mutex.
func holdsRead(w *wait, obj waitObj) bool {
	for _, h := range w.held {
		if ok, _ := h.key.matches(obj.key); ok && h.op.kind == opRLock {
			return true
		}
	}
	return false
}

// relate names, in each diagnosis, the leaked groups that would release
// it, and records the cycles among them in r.Cycles. It runs once the
// groups are in their final order, since cycles refer to them by index.
func (d *diagnoser) relate(r *report.Report) {
	d.onceWaits(r)
	if len(d.waits) < 2 {
		return
	}
	index := make(map[*report.Group]int, len(r.Groups))
	for i, g := range r.Groups {
		index[g] = i
	}
	// Report order, so that cycles read the same on every run.
	slices.SortFunc(d.waits, func(a, b *wait) int { return index[a.g] - index[b.g] })
	edges := d.edges()
	for _, w := range d.waits {
		d.namePartner(w, edges[w], index)
	}
	d.closerOnStack(r, index)
	for _, scc := range components(d.waits, edges) {
		slices.SortFunc(scc, func(a, b *wait) int { return index[a.g] - index[b.g] })
		cyc := findCycle(scc, edges)
		if len(cyc) < 2 {
			continue
		}
		d.addCycle(r, cyc, index)
	}
}

// namePartner adds to w's diagnosis the leaked groups that would release
// it.
func (d *diagnoser) namePartner(w *wait, es []waitEdge, index map[*report.Group]int) {
	if len(es) == 0 {
		return
	}
	g := w.g
	// The holder of the lock comes before a waiting writer: the writer
	// holds back a new reader only until the holder lets it through.
	e := es[0]
	if i := slices.IndexFunc(es, func(e waitEdge) bool { return e.lock }); i >= 0 {
		e = es[i]
	}
	var why string
	switch {
	case e.lock:
		why = fmt.Sprintf("%s is held by the goroutine of group #%d blocked at %s, which took it at %s:%d",
			e.obj.text, index[e.to.g]+1, d.pos(e.to.g.Block), d.rel(e.release.file.path), e.release.line)
	case e.writer && len(w.held) == 0:
		why = fmt.Sprintf("the writer of group #%d, waiting at %s for %s.Lock(), blocks new readers, this "+
			"goroutine among them", index[e.to.g]+1, d.pos(e.to.g.Block), e.obj.text)
	case e.writer:
		why = fmt.Sprintf("the writer of group #%d, waiting at %s for %s.Lock(), blocks new readers while this "+
			"goroutine already holds a read lock", index[e.to.g]+1, d.pos(e.to.g.Block), e.obj.text)
	default:
		why = fmt.Sprintf("the goroutine of group #%d, blocked at %s, would %s %s at %s:%d only once it moves on",
			index[e.to.g]+1, d.pos(e.to.g.Block), e.release.kind, e.obj.text, d.rel(e.release.file.path), e.release.line)
		if others := d.callsApart(es, e, index); len(others) > 1 {
			// Several groups stand in the function that would release it:
			// each is a call of that function, with a value of its own,
			// and the values are followed per field and variable, not per
			// call, so which call made this goroutine's is not known.
			of := report.FuncShort(e.to.g.CreatedBy.Func) // callsApart found it set
			why = fmt.Sprintf("one of the goroutines of groups %s would %s %s at %s:%d once it moves on (each "+
				"runs another call of %s, and which call made this one's %s is not known)",
				strings.Join(others, ", "), e.release.kind, e.obj.text, d.rel(e.release.file.path), e.release.line,
				of, e.obj.text)
		}
	}
	g.Diagnosis.Evidence = append(g.Diagnosis.Evidence, "partner: "+why)
	if d.partnerOf == nil {
		d.partnerOf = make(map[*report.Group]*report.Group)
	}
	d.partnerOf[g] = e.to.g
	switch {
	case g.Diagnosis.PatternID == report.PatternDoubleLock:
	case g.Diagnosis.PatternID == report.PatternNeverClosed && g.Diagnosis.Facts.Closer != nil:
		// The closer was called: it is the partner, blocked before the
		// statement that would release this goroutine.
		c := g.Diagnosis.Facts.Closer
		g.Diagnosis.PatternID = report.FallbackPattern(g.Reason)
		g.Diagnosis.Fix = ""
		g.Diagnosis.Facts.Closer = nil
		called := "was called but is itself stuck"
		if !onFrames(e.to, c.At) {
			// Not on the partner's stack: the partner would call it
			// later, from where it waits.
			called = "nothing called yet"
		}
		g.Diagnosis.Summary = fmt.Sprintf("%s: `%s` waits for %s, which %s: %s",
			d.pos(g.Block), e.from.site.text, c.At.Func, called, why)
	case e.obj.on == opDone || e.obj.on == opSignal:
		// "a Done is missing" is not what the source says: it is there,
		// in a goroutine that is itself stuck.
		g.Diagnosis.Summary = fmt.Sprintf("%s: `%s` never returns: %s", d.pos(g.Block), e.from.site.text, why)
	default:
		// A receiver that is stuck is not gone.
		g.Diagnosis.Summary = strings.Replace(g.Diagnosis.Summary, "no receiver is left", "its receiver is itself stuck", 1)
		g.Diagnosis.Summary += "; " + why
	}
}

// callsApart returns, when the edges' groups that would run e's
// releasing statement are goroutines of separate calls of one function,
// those groups, each as "#n", in report order; nil otherwise. Goroutines
// started by one go statement outside any loop each come from a call of
// their own, and so may each serve a value of their own; started in a
// loop, they may all be one call's, serving one value.
func (d *diagnoser) callsApart(es []waitEdge, e waitEdge, index map[*report.Group]int) []string {
	var at []int
	for _, o := range es {
		if o.lock || o.writer || o.release == nil || o.release.file != e.release.file || o.release.line != e.release.line {
			continue
		}
		c, ec := o.to.g.CreatedBy, e.to.g.CreatedBy
		if c == nil || ec == nil || c.File != ec.File || c.Line != ec.Line {
			return nil
		}
		if i := index[o.to.g]; !slices.Contains(at, i) {
			at = append(at, i)
		}
	}
	if len(at) < 2 {
		return nil
	}
	c := e.to.g.CreatedBy
	f := d.src.file(c.File)
	if f == nil {
		return nil
	}
	if s := f.locate(c.Line); s == nil || goInLoop(s) {
		return nil
	}
	slices.Sort(at)
	var out []string
	for _, i := range at {
		out = append(out, fmt.Sprintf("#%d", i+1))
	}
	return out
}

// goInLoop reports whether the go statement on s's line sits in a loop of
// the function that holds it (a loop inside the started literal does not
// count); true when no go statement is on the line, as nothing is known.
func goInLoop(s *site) bool {
	inGo := false
	for i := len(s.path) - 1; i >= 0; i-- {
		switch s.path[i].(type) {
		case *ast.GoStmt:
			inGo = true
		case *ast.ForStmt, *ast.RangeStmt:
			if inGo {
				return true
			}
		case *ast.FuncLit, *ast.FuncDecl:
			if inGo {
				return false
			}
		}
	}
	return !inGo
}

// components returns the strongly connected components of the wait graph
// with more than one member (Tarjan's algorithm), in the order of waits.
func components(waits []*wait, edges map[*wait][]waitEdge) [][]*wait {
	idx := make(map[*wait]int)
	low := make(map[*wait]int)
	on := make(map[*wait]bool)
	var stack []*wait
	var out [][]*wait
	n := 0
	var strong func(v *wait)
	strong = func(v *wait) {
		idx[v], low[v] = n, n
		n++
		stack = append(stack, v)
		on[v] = true
		for _, e := range edges[v] {
			if _, seen := idx[e.to]; !seen {
				strong(e.to)
				low[v] = min(low[v], low[e.to])
			} else if on[e.to] {
				low[v] = min(low[v], idx[e.to])
			}
		}
		if low[v] == idx[v] {
			var comp []*wait
			for {
				x := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				on[x] = false
				comp = append(comp, x)
				if x == v {
					break
				}
			}
			if len(comp) > 1 {
				out = append(out, comp)
			}
		}
	}
	for _, w := range waits {
		if _, seen := idx[w]; !seen {
			strong(w)
		}
	}
	return out
}

// findCycle returns the edges of one simple cycle through the component's
// members, starting at the member listed first in the report.
func findCycle(comp []*wait, edges map[*wait][]waitEdge) []waitEdge {
	in := make(map[*wait]bool, len(comp))
	for _, w := range comp {
		in[w] = true
	}
	start := comp[0]
	visited := make(map[*wait]bool)
	var path []waitEdge
	var dfs func(v *wait) bool
	dfs = func(v *wait) bool {
		visited[v] = true
		for _, e := range edges[v] {
			if !in[e.to] {
				continue
			}
			path = append(path, e)
			if e.to == start || (!visited[e.to] && dfs(e.to)) {
				return true
			}
			path = path[:len(path)-1]
		}
		return false
	}
	if dfs(start) {
		return path
	}
	return nil
}

// addCycle records one cycle and rewrites its members' diagnoses to point
// at it.
func (d *diagnoser) addCycle(r *report.Report, cyc []waitEdge, index map[*report.Group]int) {
	locks, chans, writers := 0, 0, 0
	c := report.Cycle{}
	for _, e := range cyc {
		if e.writer {
			writers++
		}
		if e.lock || e.writer {
			locks++
		} else {
			chans++
		}
		wait := report.SourceRef{File: e.from.site.file.path, Line: e.obj.line, Func: funcName(e.from.site.decl, e.from.site.fn),
			Text: e.from.site.file.line(e.obj.line), Kind: e.obj.on.waitName(e.from.g.Reason)}
		rel := e.release.ref()
		var why string
		switch {
		case e.lock:
			why = fmt.Sprintf("#%d waits at %s for %s, which #%d holds since %s:%d", index[e.from.g]+1,
				d.pos(e.from.g.Block), e.obj.text, index[e.to.g]+1, d.rel(rel.File), rel.Line)
		case e.writer:
			why = fmt.Sprintf("#%d waits at %s for a read lock of %s, which #%d's pending %s.Lock() at %s:%d "+
				"holds back", index[e.from.g]+1, d.pos(e.from.g.Block), e.obj.text, index[e.to.g]+1, e.obj.text,
				d.rel(rel.File), rel.Line)
		default:
			why = fmt.Sprintf("#%d waits at %s on %s, which #%d would %s only at %s:%d, after its own wait",
				index[e.from.g]+1, d.pos(e.from.g.Block), e.obj.text, index[e.to.g]+1, rel.Kind, d.rel(rel.File), rel.Line)
		}
		c.Groups = append(c.Groups, index[e.from.g])
		c.Edges = append(c.Edges, report.CycleEdge{Wait: wait, Release: rel, Why: why})
	}
	switch {
	case writers > 0 && chans == 0:
		c.Kind = "read lock and writer"
	case chans == 0:
		c.Kind = "lock order"
	case locks == 0:
		c.Kind = "channels"
	default:
		c.Kind = "lock and channel"
	}
	r.Cycles = append(r.Cycles, c)
	n := len(r.Cycles)
	members := make([]string, len(c.Groups))
	for i, gi := range c.Groups {
		members[i] = fmt.Sprintf("#%d", gi+1)
	}
	fix := cycleFix(c.Kind)
	for i, e := range cyc {
		g := e.from.g
		g.Diagnosis.Facts.Cycle = n
		if id := g.Diagnosis.PatternID; id == report.PatternDoubleLock || id == report.PatternRWMutexDeadlock && e.writer {
			// The specific explanation stands; the cycle is its evidence.
			for _, ce := range c.Edges {
				g.Diagnosis.Evidence = append(g.Diagnosis.Evidence, "cycle: "+ce.Why)
			}
			continue
		}
		g.Diagnosis.PatternID = report.PatternMutualWait
		g.Diagnosis.Summary = fmt.Sprintf("%s: in %s cycle %d (%s) — %s; %s", d.pos(g.Block), c.Kind, n,
			strings.Join(members, " → "), c.Edges[i].Why, fix)
		g.Diagnosis.Fix = fix
		g.Diagnosis.Evidence = slices.DeleteFunc(g.Diagnosis.Evidence, func(s string) bool {
			return strings.HasPrefix(s, "partner: ")
		})
		for _, ce := range c.Edges {
			g.Diagnosis.Evidence = append(g.Diagnosis.Evidence, "cycle: "+ce.Why)
		}
	}
}

func cycleFix(kind string) string {
	switch kind {
	case "lock order":
		return "take the locks in one order everywhere"
	case "read lock and writer":
		return "never take a read lock while holding one: a waiting writer blocks the second"
	case "channels":
		return "buffer one channel or reorder one side so it serves the other before waiting"
	}
	return "do not block on the channel while holding the lock: unlock first, or send in a select"
}

// closerOnStack corrects "nothing called M" when a leaked goroutine of the
// report is inside M: it was called (for another object, or it is stuck
// before releasing this one), so the claim would contradict the dump.
func (d *diagnoser) closerOnStack(r *report.Report, index map[*report.Group]int) {
	for _, g := range r.Groups {
		c := g.Diagnosis.Facts.Closer
		if g.Diagnosis.PatternID != report.PatternNeverClosed || c == nil {
			continue
		}
		suffix := "." + c.At.Func
		for _, o := range r.Groups {
			if o == g || o.Stack == nil {
				continue
			}
			if !slices.ContainsFunc(o.Stack.Frames, func(f profile.Frame) bool { return strings.HasSuffix(f.Func, suffix) }) {
				continue
			}
			g.Diagnosis.PatternID = report.FallbackPattern(g.Reason)
			g.Diagnosis.Fix = ""
			g.Diagnosis.Summary = fmt.Sprintf("%s: only %s releases this goroutine, and the goroutine of group #%d, "+
				"blocked at %s, is inside it: it was called for another object, or is stuck before the statement "+
				"that would release this one", d.pos(g.Block), c.At.Func, index[o]+1, d.pos(o.Block))
			if d.partnerOf == nil {
				d.partnerOf = make(map[*report.Group]*report.Group)
			}
			if _, named := d.partnerOf[g]; !named {
				d.partnerOf[g] = o // for FixVictims: the closer is stuck inside o
			}
			break
		}
	}
}
