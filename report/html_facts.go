package report

import (
	"fmt"
	"strconv"

	"github.com/leakhound/leakhound/profile"
)

// This file prepares what the HTML report shows of a diagnosis's Facts and
// of the report's Cycles: the statements that would release a goroutine,
// each linked to an excerpt of its source on the group's card, and each
// cycle once, as one group of groups with every edge's lines.

// htmlRef is a SourceRef as a page shows it.
type htmlRef struct {
	Kind, Func, Text string
	File             string // the path as read, for the tooltip
	Pos              string // file:line as a person reads it
	Href             string // the excerpt of its source on the page, "" when not shown
}

// htmlFacts is the part of a group's card that shows its Facts.
type htmlFacts struct {
	Op, Object, Buffer   string
	Make                 *htmlRef
	Select               *htmlSelect
	Held                 []htmlHeld
	Partners             []htmlRef
	Closer               *htmlCloser
	Context, ContextFrom string
	Cycle                int
	CycleKind, CycleHref string
	// Excerpts are the source lines the refs above link to, beyond the
	// blocking line's own excerpt.
	Excerpts []*htmlExcerpt
}

type htmlSelect struct {
	Pos            string
	Cases          []htmlSelectCase
	Default, Loop  bool
	StopCases, All int
}

type htmlSelectCase struct {
	Pos, Channel string
	Send, Stop   bool
	Partners     []htmlRef
}

type htmlHeld struct {
	Mutex          string
	Read, Deferred bool
	Lock           htmlRef
}

type htmlCloser struct {
	Name         string // "(*T).Method"
	TakesContext bool
	At           htmlRef
	Owners       []htmlRef
}

// htmlExcerpt is the source around one statement a fact names.
type htmlExcerpt struct {
	ID string
	*htmlSource
}

// htmlCycle is one cycle of a report as a page shows it.
type htmlCycle struct {
	ID      string
	N       int
	Kind    string
	Members []htmlCycleMember
	Edges   []htmlCycleEdge
}

type htmlCycleMember struct {
	N    int // the group's number as the text report counts (1-based)
	Func string
	Href string
}

type htmlCycleEdge struct {
	Why           string
	From, To      int // group numbers, 1-based
	FromHref      string
	ToHref        string
	Wait, Release htmlRef
}

// maxHTMLExcerpts bounds the excerpts a card shows for its facts: a
// channel with hundreds of senders would bury the card. The statements
// past it are still listed, without an excerpt.
const maxHTMLExcerpts = 12

// htmlExcerptAround is the number of lines shown around a fact's line.
const htmlExcerptAround = 1

// cycleAnchor is the id of cycle n (1-based) of report ri on a page.
func cycleAnchor(ri, n int) string { return fmt.Sprintf("r%d-c%d", ri, n) }

// newHTMLFacts prepares the facts of hg's diagnosis; nil when there are
// none to show. withSource reads the excerpts the statements link to.
func newHTMLFacts(r *Report, ri int, hg *htmlGroup, withSource bool) *htmlFacts {
	f := &hg.Diagnosis.Facts
	hf := &htmlFacts{Op: f.Op, Object: f.Object, Buffer: f.Buffer, Context: f.Context, ContextFrom: f.ContextFrom, Cycle: f.Cycle}
	seen := map[string]string{} // file:line → excerpt id
	ref := func(s SourceRef) htmlRef {
		h := htmlRef{Kind: s.Kind, Func: shownName(s.Func), Text: shownName(s.Text), File: shownName(s.File),
			Pos: htmlPos(r, profileFrame(s))}
		if !withSource || s.File == "" || s.Line <= 0 {
			return h
		}
		if src := hg.Source; src != nil && src.ID != "" && s.File == src.File && len(src.Lines) > 0 &&
			s.Line >= src.Lines[0].N && s.Line <= src.Lines[len(src.Lines)-1].N {
			// The blocking line's own excerpt shows it already.
			h.Href = "#" + src.ID
			return h
		}
		key := s.File + ":" + strconv.Itoa(s.Line)
		if id, ok := seen[key]; ok {
			h.Href = "#" + id
			return h
		}
		if len(hf.Excerpts) == maxHTMLExcerpts {
			return h
		}
		src := htmlReadSource(r.sources, s.File, s.Line, htmlExcerptAround)
		if len(src.Lines) == 0 {
			return h
		}
		src.Shown, src.Fact = r.RelPath(s.File), true
		id := fmt.Sprintf("%s-s%d", hg.Anchor, len(hf.Excerpts)+1)
		seen[key] = id
		hf.Excerpts = append(hf.Excerpts, &htmlExcerpt{ID: id, htmlSource: src})
		h.Href = "#" + id
		return h
	}
	refs := func(ss []SourceRef) []htmlRef {
		var out []htmlRef
		for _, s := range ss {
			out = append(out, ref(s))
		}
		return out
	}
	// In the order the card lists them, so the excerpts read in that order.
	if f.Make != nil {
		m := ref(*f.Make)
		hf.Make = &m
	}
	if s := f.Select; s != nil {
		hs := &htmlSelect{Pos: htmlPos(r, profileFrame(SourceRef{File: hg.Block.File, Line: s.Line})), Default: s.Default,
			Loop: s.InLoop, All: len(s.Cases)}
		for _, c := range s.Cases {
			if c.Stop {
				hs.StopCases++
			}
			hs.Cases = append(hs.Cases, htmlSelectCase{Pos: htmlPos(r, profileFrame(SourceRef{File: hg.Block.File, Line: c.Line})),
				Channel: shownName(c.Channel), Send: c.Send, Stop: c.Stop, Partners: refs(c.Partners)})
		}
		hf.Select = hs
	}
	for _, h := range f.Held {
		hf.Held = append(hf.Held, htmlHeld{Mutex: shownName(h.Mutex), Read: h.Read, Deferred: h.Deferred, Lock: ref(h.Lock)})
	}
	hf.Partners = refs(f.Partners)
	if c := f.Closer; c != nil {
		name := shownName(c.Type) + ")." + shownName(c.Method)
		if c.Pointer {
			name = "(*" + name
		} else {
			name = "(" + name
		}
		hf.Closer = &htmlCloser{Name: name, TakesContext: c.TakesContext, At: ref(c.At), Owners: refs(c.Owners)}
	}
	switch {
	case f.Object != "":
		hf.Op = htmlOpWords(f.Op)
	case f.Select != nil:
		hf.Op = "" // the select row says what it waits for
	}
	if f.Cycle > 0 && f.Cycle <= len(r.Cycles) {
		hf.CycleKind = r.Cycles[f.Cycle-1].Kind
		hf.CycleHref = "#" + cycleAnchor(ri, f.Cycle)
	}
	if hf.Op == "" && hf.Object == "" && hf.Make == nil && hf.Select == nil && hf.Held == nil && hf.Partners == nil &&
		hf.Closer == nil && hf.Context == "" && hf.Cycle == 0 {
		return nil
	}
	return hf
}

// htmlOpWords says a blocking operation (Facts.Op) the way the card's
// "Waits" row reads: "receive from bsp.stopCh", "Lock of s.mu".
func htmlOpWords(op string) string {
	switch op {
	case "send":
		return "send to"
	case "receive":
		return "receive from"
	case "range":
		return "range over"
	case "lock":
		return "Lock of"
	case "rlock":
		return "RLock of"
	case "wait":
		return "Wait of the WaitGroup"
	case "cond":
		return "Wait of the Cond"
	}
	return op
}

// profileFrame makes a SourceRef's place a frame, for htmlPos.
func profileFrame(s SourceRef) profile.Frame { return profile.Frame{File: s.File, Line: s.Line} }

// newHTMLCycles prepares the cycles of report ri. A cycle naming a group
// the report does not have (a hand-edited JSON file) is shown without the
// link.
func newHTMLCycles(r *Report, ri int) []htmlCycle {
	var out []htmlCycle
	groupHref := func(gi int) string {
		if gi < 0 || gi >= len(r.Groups) || r.Groups[gi] == nil {
			return ""
		}
		return fmt.Sprintf("#r%d-g%d", ri, gi)
	}
	for i, c := range r.Cycles {
		hc := htmlCycle{ID: cycleAnchor(ri, i+1), N: i + 1, Kind: c.Kind}
		for _, gi := range c.Groups {
			m := htmlCycleMember{N: gi + 1, Href: groupHref(gi)}
			if m.Href != "" {
				m.Func = r.Groups[gi].Block.Func
			}
			hc.Members = append(hc.Members, m)
		}
		for j, e := range c.Edges {
			he := htmlCycleEdge{Why: e.Why, Wait: cycleRef(r, e.Wait), Release: cycleRef(r, e.Release)}
			if j < len(c.Groups) {
				from, to := c.Groups[j], c.Groups[(j+1)%len(c.Groups)]
				he.From, he.To = from+1, to+1
				he.FromHref, he.ToHref = groupHref(from), groupHref(to)
				he.Wait.Href, he.Release.Href = he.FromHref, he.ToHref
			}
			hc.Edges = append(hc.Edges, he)
		}
		out = append(out, hc)
	}
	return out
}

func cycleRef(r *Report, s SourceRef) htmlRef {
	return htmlRef{Kind: s.Kind, Func: shownName(s.Func), Text: shownName(s.Text), File: shownName(s.File),
		Pos: htmlPos(r, profileFrame(s))}
}
