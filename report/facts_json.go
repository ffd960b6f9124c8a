package report

// The wire form of Facts and Cycle (SCHEMA.md, diagnosis.facts and
// reports[].cycles). Every field is optional, as in Facts: a fact the
// source did not show is absent, never guessed. Names, paths and quoted
// statements are bounded like every other name of the report.

// jsonFacts is Facts on the wire (diagnosis.facts): what the diagnosis
// found in the source, for tools that link to a line or check a claim.
type jsonFacts struct {
	// Op is the blocking operation ("send", "receive", "select", "lock"…).
	Op string `json:"op,omitempty"`
	// Object is the source text of what the goroutine waits on.
	Object string `json:"object,omitempty"`
	// Make is where the channel waited on is made; Buffer its buffer size
	// expression, absent for an unbuffered channel.
	Make   *jsonSourceRef `json:"make,omitempty"`
	Buffer string         `json:"buffer,omitempty"`
	// Select is the select statement the goroutine blocks in.
	Select *jsonSelect `json:"select,omitempty"`
	// Held are the locks the goroutine holds where it blocks.
	Held []jsonLockFact `json:"held,omitempty"`
	// Partners are the statements that would release the goroutine.
	Partners []jsonSourceRef `json:"partners,omitempty"`
	// Closer is the method whose call would release the goroutine.
	Closer *jsonCloser `json:"closer,omitempty"`
	// Context names a context.Context in scope at the blocking line;
	// ContextFrom says where it comes from.
	Context     string `json:"context,omitempty"`
	ContextFrom string `json:"context_from,omitempty"`
	// Cycle is the 1-based number of the report's cycle (reports[].cycles)
	// the group is part of; absent when it is in none.
	Cycle int `json:"cycle,omitempty"`
}

// jsonSourceRef is SourceRef on the wire: one statement of the source.
type jsonSourceRef struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Func string `json:"func,omitempty"`
	Text string `json:"text,omitempty"`
	Kind string `json:"kind,omitempty"`
}

// jsonSelect is SelectFacts on the wire.
type jsonSelect struct {
	Line    int              `json:"line"`
	Cases   []jsonSelectCase `json:"cases,omitempty"`
	Default bool             `json:"default,omitempty"`
	InLoop  bool             `json:"in_loop,omitempty"`
}

// jsonSelectCase is SelectCase on the wire.
type jsonSelectCase struct {
	Line     int             `json:"line"`
	Send     bool            `json:"send,omitempty"`
	Channel  string          `json:"channel"`
	Stop     bool            `json:"stop,omitempty"`
	Partners []jsonSourceRef `json:"partners,omitempty"`
}

// jsonLockFact is LockFact on the wire.
type jsonLockFact struct {
	Mutex    string        `json:"mutex"`
	Read     bool          `json:"read,omitempty"`
	Lock     jsonSourceRef `json:"lock"`
	Deferred bool          `json:"deferred,omitempty"`
}

// jsonCloser is Closer on the wire.
type jsonCloser struct {
	Type         string          `json:"type"`
	Pointer      bool            `json:"pointer,omitempty"`
	Method       string          `json:"method"`
	Recv         string          `json:"recv,omitempty"`
	TakesContext bool            `json:"takes_context,omitempty"`
	At           jsonSourceRef   `json:"at"`
	Owners       []jsonSourceRef `json:"owners,omitempty"`
}

// jsonCycle is Cycle on the wire (reports[].cycles): groups of the report
// that wait on each other, listed once.
type jsonCycle struct {
	Kind string `json:"kind"`
	// Groups are 0-based indexes into the report's groups, in cycle order.
	Groups []int           `json:"groups"`
	Edges  []jsonCycleEdge `json:"edges"`
}

// jsonCycleEdge is CycleEdge on the wire: what one member waits for from
// the next.
type jsonCycleEdge struct {
	Wait    jsonSourceRef `json:"wait"`
	Release jsonSourceRef `json:"release"`
	Why     string        `json:"why"`
}

func wireRef(s SourceRef) jsonSourceRef {
	return jsonSourceRef{File: shownName(s.File), Line: s.Line, Func: shownName(s.Func), Text: shownName(s.Text), Kind: s.Kind}
}

func wireRefPtr(s *SourceRef) *jsonSourceRef {
	if s == nil {
		return nil
	}
	w := wireRef(*s)
	return &w
}

func wireRefs(ss []SourceRef) []jsonSourceRef {
	if len(ss) == 0 {
		return nil
	}
	out := make([]jsonSourceRef, len(ss))
	for i, s := range ss {
		out[i] = wireRef(s)
	}
	return out
}

// wireFacts is nil for Facts with nothing in them, so a diagnosis from
// the stack alone has no facts object.
func wireFacts(f *Facts) *jsonFacts {
	w := &jsonFacts{Op: f.Op, Object: shownName(f.Object), Make: wireRefPtr(f.Make), Buffer: shownName(f.Buffer),
		Partners: wireRefs(f.Partners), Context: shownName(f.Context), ContextFrom: f.ContextFrom, Cycle: f.Cycle}
	if s := f.Select; s != nil {
		w.Select = &jsonSelect{Line: s.Line, Default: s.Default, InLoop: s.InLoop}
		for _, c := range s.Cases {
			w.Select.Cases = append(w.Select.Cases, jsonSelectCase{Line: c.Line, Send: c.Send, Channel: shownName(c.Channel),
				Stop: c.Stop, Partners: wireRefs(c.Partners)})
		}
	}
	for _, h := range f.Held {
		w.Held = append(w.Held, jsonLockFact{Mutex: shownName(h.Mutex), Read: h.Read, Lock: wireRef(h.Lock), Deferred: h.Deferred})
	}
	if c := f.Closer; c != nil {
		w.Closer = &jsonCloser{Type: shownName(c.Type), Pointer: c.Pointer, Method: shownName(c.Method), Recv: shownName(c.Recv),
			TakesContext: c.TakesContext, At: wireRef(c.At), Owners: wireRefs(c.Owners)}
	}
	if w.Op == "" && w.Object == "" && w.Make == nil && w.Buffer == "" && w.Select == nil && w.Held == nil &&
		w.Partners == nil && w.Closer == nil && w.Context == "" && w.ContextFrom == "" && w.Cycle == 0 {
		return nil
	}
	return w
}

func wireCycles(cs []Cycle) []jsonCycle {
	if len(cs) == 0 {
		return nil
	}
	out := make([]jsonCycle, len(cs))
	for i, c := range cs {
		out[i] = jsonCycle{Kind: c.Kind, Groups: c.Groups, Edges: make([]jsonCycleEdge, len(c.Edges))}
		for j, e := range c.Edges {
			out[i].Edges[j] = jsonCycleEdge{Wait: wireRef(e.Wait), Release: wireRef(e.Release), Why: e.Why}
		}
	}
	return out
}

func (w jsonSourceRef) ref() SourceRef { return SourceRef(w) }

func (w *jsonSourceRef) refPtr() *SourceRef {
	if w == nil {
		return nil
	}
	r := w.ref()
	return &r
}

func refsOf(ws []jsonSourceRef) []SourceRef {
	if len(ws) == 0 {
		return nil
	}
	out := make([]SourceRef, len(ws))
	for i, w := range ws {
		out[i] = w.ref()
	}
	return out
}

func (w *jsonFacts) facts() Facts {
	if w == nil {
		return Facts{}
	}
	f := Facts{Op: w.Op, Object: w.Object, Make: w.Make.refPtr(), Buffer: w.Buffer, Partners: refsOf(w.Partners),
		Context: w.Context, ContextFrom: w.ContextFrom, Cycle: w.Cycle}
	if s := w.Select; s != nil {
		f.Select = &SelectFacts{Line: s.Line, Default: s.Default, InLoop: s.InLoop}
		for _, c := range s.Cases {
			f.Select.Cases = append(f.Select.Cases, SelectCase{Line: c.Line, Send: c.Send, Channel: c.Channel, Stop: c.Stop,
				Partners: refsOf(c.Partners)})
		}
	}
	for _, h := range w.Held {
		f.Held = append(f.Held, LockFact{Mutex: h.Mutex, Read: h.Read, Lock: h.Lock.ref(), Deferred: h.Deferred})
	}
	if c := w.Closer; c != nil {
		f.Closer = &Closer{Type: c.Type, Pointer: c.Pointer, Method: c.Method, Recv: c.Recv, TakesContext: c.TakesContext,
			At: c.At.ref(), Owners: refsOf(c.Owners)}
	}
	return f
}

func cyclesOf(ws []jsonCycle) []Cycle {
	if len(ws) == 0 {
		return nil
	}
	out := make([]Cycle, len(ws))
	for i, w := range ws {
		out[i] = Cycle{Kind: w.Kind, Groups: w.Groups}
		for _, e := range w.Edges {
			out[i].Edges = append(out[i].Edges, CycleEdge{Wait: e.Wait.ref(), Release: e.Release.ref(), Why: e.Why})
		}
	}
	return out
}
