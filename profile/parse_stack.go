package profile

import (
	"bytes"
)

// This file reads the text the runtime prints for goroutines: the output of
// runtime.Stack(buf, true), of the goroutine and goroutineleak profiles with
// debug=2, of crashes and SIGQUIT, and of go test when a test times out.
//
// A dump is a sequence of goroutine sections separated by blank lines:
//
//	goroutine 19 [chan receive]:            header (see parse_header.go)
//	main.worker(0xc000010000)               call
//		/src/main.go:17 +0x19               its position
//	...3 frames elided...                   frames the runtime skipped
//	created by main.main in goroutine 1     the go statement
//		/src/main.go:12 +0x56               its position
//	[originating from goroutine 1]:         ancestor stacks (tracebackancestors)
//
// Everything else (panic messages, register dumps, go test's own lines) is
// kept in Snapshot.Text. The reader works on the bytes line by line, with no
// regular expressions, and shares one string per distinct function name and
// file path, because Capture runs it on every goroutine of a process.

// pendingKind says what the line held in stackParser.pending stands for,
// once the position line that must follow it confirms it.
type pendingKind uint8

const (
	pendNone      pendingKind = iota
	pendCall                  // a call line of the goroutine or of an ancestor
	pendCreatedBy             // the function of a "created by" line
)

// Chunk sizes for the arrays goroutines, frames and creators are carved
// from. Carving from shared arrays instead of allocating each record on its
// own keeps a 100k-goroutine dump to a few hundred allocations.
const (
	minGoroutineChunk = 16
	maxGoroutineChunk = 1 << 14
	minFrameChunk     = 64
	maxFrameChunk     = 1 << 16
)

// stackParser holds the state of one parseStack call. It is never shared.
type stackParser struct {
	snap *Snapshot
	// strs maps a function name, file path, state or label to the one
	// string every record uses for it.
	strs map[string]string

	gs        []Goroutine // chunk new goroutines are carved from
	frames    []Frame     // chunk the current goroutine's frames are appended to
	creators  []Frame     // chunk CreatedBy frames are carved from
	frameHint int         // size of the next frames chunk

	cur   *Goroutine // goroutine being read; nil outside a section
	first int        // index in frames where cur's frames begin
	anc   int        // index in cur.Ancestors being read; -1 when none

	// signalled is set by a line a signal or crash prints ("SIGQUIT: quit",
	// the "-----" between threads under GOTRACEBACK=crash): then sections
	// may describe threads rather than goroutines (see dropThreads).
	signalled bool

	pending     []byte // call or creator waiting for its position line
	pendingKind pendingKind
	parent      int64 // goroutine ID of a pending "created by … in goroutine N"
}

// parseStack reads runtime.Stack-style text. It never fails: lines it does
// not understand go to Snapshot.Text and a goroutine cut short is marked
// Truncated. The dispatcher reports input without any goroutine.
func parseStack(data []byte) (*Snapshot, error) {
	if prefix := linePrefix(data); prefix != nil {
		data = stripPrefix(data, prefix)
	}
	p := newStackParser(data)
	cut := len(data) > 0 && data[len(data)-1] != '\n'
	for len(data) > 0 {
		var line []byte
		last := false
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data, last = data, nil, true
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		p.line(line, last)
	}
	p.finish(cut)
	p.dropThreads()
	return p.snap, nil
}

func newStackParser(data []byte) *stackParser {
	// Roughly 250 bytes per goroutine and 70 per frame in typical dumps; the
	// estimates only size the first chunks, later ones follow demand.
	ng := clamp(len(data)/250, minGoroutineChunk, maxGoroutineChunk)
	nf := clamp(len(data)/70, minFrameChunk, maxFrameChunk)
	return &stackParser{
		snap:      &Snapshot{Format: FormatStack, Goroutines: make([]*Goroutine, 0, ng)},
		strs:      make(map[string]string, 64),
		gs:        make([]Goroutine, 0, ng),
		frames:    make([]Frame, 0, nf),
		frameHint: nf,
		anc:       -1,
	}
}

func clamp(n, lo, hi int) int {
	return min(max(n, lo), hi)
}

// line handles one line, without its line ending. last reports that the
// input ended without a newline after it, so the line may be cut.
func (p *stackParser) line(l []byte, last bool) {
	if p.pendingKind != pendNone {
		if file, lineNo, ok := parseFileLine(l); ok {
			if last && endsInLineNumber(l) {
				// "main.go:3" at the very end may be the start of
				// "main.go:31": the frame is not known whole.
				p.pending, p.pendingKind = nil, pendNone
				p.cur.Truncated = true
				p.closeSection()
				return
			}
			p.commit(file, lineNo)
			return
		}
		p.abandon()
	}
	if len(l) == 0 {
		p.closeSection()
		return
	}
	if l[0] == 'g' && bytes.HasPrefix(l, goroutinePrefix) {
		if p.header(l, last) {
			return
		}
	}
	if p.cur == nil {
		p.text(l)
		return
	}
	switch l[0] {
	case '\t', ' ':
		if bytes.Equal(bytes.TrimLeft(l, " \t"), stackUnavailable) {
			p.cur.StackUnavailable = true
			return
		}
	case 'c':
		if bytes.HasPrefix(l, createdByPrefix) {
			p.pendCreatedBy(l[len(createdByPrefix):])
			return
		}
	case '.':
		if n, ok := parseElided(l); ok {
			if p.anc < 0 {
				p.cur.ElidedFrames += n
			}
			return
		}
		if bytes.Equal(l, ancestorFramesElided) {
			return
		}
	case '[':
		if id, ok := parseOriginating(l); ok {
			p.cur.Ancestors = append(p.cur.Ancestors, Ancestor{ID: id})
			p.anc = len(p.cur.Ancestors) - 1
			return
		}
	}
	if l[0] == '\t' || l[0] == ' ' {
		// An indented line that is neither a position nor a marker.
		p.text(l)
		return
	}
	// Most likely a call; the next line tells.
	p.pending, p.pendingKind = l, pendCall
}

var (
	threadSeparator      = []byte("-----")
	signalPrefix         = []byte("SIG")
	goroutinePrefix      = []byte("goroutine ")
	createdByPrefix      = []byte("created by ")
	inGoroutine          = []byte(" in goroutine ")
	stackUnavailable     = []byte("goroutine running on other thread; stack unavailable")
	ancestorFramesElided = []byte("...additional frames elided...")
	originatingPrefix    = []byte("[originating from goroutine ")
)

// header starts a new goroutine section when l is a goroutine header. A
// header cut by the end of the input still starts a (Truncated) goroutine
// when at least its ID is whole.
func (p *stackParser) header(l []byte, last bool) bool {
	g := p.newGoroutine()
	if !p.parseHeader(l, g) {
		if !last {
			p.dropGoroutine()
			return false
		}
		if !wholeID(l) {
			p.dropGoroutine()
			return false
		}
		id, _ := parseID(l[len(goroutinePrefix):])
		*g = Goroutine{ID: id, Count: 1, Truncated: true}
	}
	p.closeSection()
	p.cur = g
	p.first = len(p.frames)
	p.snap.Goroutines = append(p.snap.Goroutines, g)
	return true
}

// wholeID reports whether the header l, cut by the end of the input, holds
// its goroutine ID whole: followed by a space, not by the end of the input
// ("goroutine 4" may be "goroutine 40").
func wholeID(l []byte) bool {
	rest := l[len(goroutinePrefix):]
	_, n := parseID(rest)
	return n > 0 && n < len(rest) && rest[n] == ' '
}

// newGoroutine carves a zeroed Goroutine from the current chunk.
func (p *stackParser) newGoroutine() *Goroutine {
	if len(p.gs) == cap(p.gs) {
		n := clamp(2*cap(p.gs), minGoroutineChunk, maxGoroutineChunk)
		p.gs = make([]Goroutine, 0, n)
	}
	p.gs = p.gs[:len(p.gs)+1]
	return &p.gs[len(p.gs)-1]
}

// dropGoroutine gives back the Goroutine newGoroutine carved last.
func (p *stackParser) dropGoroutine() {
	p.gs[len(p.gs)-1] = Goroutine{}
	p.gs = p.gs[:len(p.gs)-1]
}

// pendCreatedBy holds the function of a "created by" line until its
// position line confirms it.
func (p *stackParser) pendCreatedBy(rest []byte) {
	p.parent = 0
	if i := bytes.LastIndex(rest, inGoroutine); i >= 0 {
		if id, n := parseID(rest[i+len(inGoroutine):]); n > 0 && i+len(inGoroutine)+n == len(rest) {
			p.parent = id
			rest = rest[:i]
		}
	}
	p.pending, p.pendingKind = rest, pendCreatedBy
}

// commit turns the pending line into a frame now that its position line
// arrived.
func (p *stackParser) commit(file []byte, lineNo int) {
	kind := p.pendingKind
	p.pendingKind = pendNone
	f := Frame{File: p.intern(file), Line: lineNo}
	if kind == pendCreatedBy {
		f.Func = p.intern(p.pending)
	} else {
		f.Func = p.intern(funcName(p.pending))
	}
	p.pending = nil

	switch {
	case p.anc >= 0:
		a := &p.cur.Ancestors[p.anc]
		if kind == pendCreatedBy {
			a.CreatedBy = p.newCreator(f)
		} else {
			a.Frames = append(a.Frames, f)
		}
	case kind == pendCreatedBy:
		p.cur.CreatedBy = p.newCreator(f)
		p.cur.ParentID = p.parent
	default:
		p.appendFrame(f)
	}
}

// appendFrame adds f to the current goroutine's frames, which live in the
// shared frames chunk until closeSection hands them over.
func (p *stackParser) appendFrame(f Frame) {
	if len(p.frames) == cap(p.frames) {
		have := p.frames[p.first:]
		n := max(p.frameHint, 2*len(have)+minFrameChunk)
		next := make([]Frame, len(have), n)
		copy(next, have)
		p.frames, p.first = next, 0
	}
	p.frames = append(p.frames, f)
}

// newCreator carves a CreatedBy frame from the current chunk.
func (p *stackParser) newCreator(f Frame) *Frame {
	if len(p.creators) == cap(p.creators) {
		p.creators = make([]Frame, 0, clamp(cap(p.gs), minGoroutineChunk, maxGoroutineChunk))
	}
	p.creators = append(p.creators, f)
	return &p.creators[len(p.creators)-1]
}

// abandon handles a pending line that no position line followed. A line
// shaped like a call ("pkg.F(…)") or a "created by" line means the dump was
// cut inside the goroutine; anything else was text that happened to follow
// the section, such as a register dump or "exit status 2".
func (p *stackParser) abandon() {
	kind, l := p.pendingKind, p.pending
	p.pending, p.pendingKind = nil, pendNone
	if kind == pendCreatedBy || looksLikeCall(l) {
		p.cur.Truncated = true
	} else {
		p.text(l)
	}
	p.closeSection()
}

// closeSection ends the goroutine being read, if any.
func (p *stackParser) closeSection() {
	g := p.cur
	if g == nil {
		return
	}
	if n := len(p.frames); n > p.first {
		g.Frames = p.frames[p.first:n:n]
	}
	p.first = len(p.frames)
	if len(g.Frames) == 0 && !g.StackUnavailable {
		// The runtime prints at least one frame for every goroutine.
		g.Truncated = true
	}
	p.cur, p.anc = nil, -1
}

// dropThreads removes the sections that describe threads, not goroutines.
// A crash or signal dump under GOTRACEBACK=crash prints, after the
// goroutines, what every thread was doing: "goroutine 0 [idle]" for a
// thread on its own stack (no goroutine has ID 0), and the goroutine a
// thread was running, a second time. The first section of a goroutine is
// the one kept.
func (p *stackParser) dropThreads() {
	gs := p.snap.Goroutines
	var seen map[int64]bool
	if p.signalled {
		seen = make(map[int64]bool, len(gs))
	}
	kept := gs[:0]
	for _, g := range gs {
		if g.ID == 0 {
			continue
		}
		if seen != nil {
			if seen[g.ID] {
				continue
			}
			seen[g.ID] = true
		}
		kept = append(kept, g)
	}
	clear(gs[len(kept):])
	p.snap.Goroutines = kept
}

// finish ends the input. A pending line is handled as abandon does, except
// that a last line without its newline was cut, whatever it looks like.
func (p *stackParser) finish(cut bool) {
	if p.pendingKind != pendNone {
		if cut {
			p.pending, p.pendingKind = nil, pendNone
			p.cur.Truncated = true
		} else {
			p.abandon()
		}
	}
	p.closeSection()
}

func (p *stackParser) text(l []byte) {
	if !p.signalled && (bytes.Equal(l, threadSeparator) || (bytes.HasPrefix(l, signalPrefix) && bytes.Contains(l, []byte(": ")))) {
		p.signalled = true
	}
	p.snap.Text = append(p.snap.Text, string(l))
}

// intern returns the shared string for b, so that a name printed for
// thousands of goroutines is stored once. The lookup with string(b) as key
// does not allocate.
func (p *stackParser) intern(b []byte) string {
	if s, ok := p.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	p.strs[s] = s
	return s
}

// parseFileLine reads a position line, "\t/path/file.go:123 +0x1d", with or
// without the "+0x…" offset and the " fp=… sp=… pc=…" a crash adds. It
// accepts spaces for the tab, as in dumps pasted through a chat or a browser.
func parseFileLine(l []byte) (file []byte, line int, ok bool) {
	if len(l) < 2 || (l[0] != '\t' && l[0] != ' ') {
		return nil, 0, false
	}
	s := bytes.TrimLeft(l, " \t")
	// The line number follows the last colon that is followed by digits and
	// then the end or a space; the path itself may hold colons ("C:\…").
	for end := len(s); end > 0; {
		i := bytes.LastIndexByte(s[:end], ':')
		if i <= 0 {
			return nil, 0, false
		}
		n, w := parseInt(s[i+1:])
		if w > 0 && (i+1+w == len(s) || s[i+1+w] == ' ') {
			return s[:i], n, true
		}
		end = i
	}
	return nil, 0, false
}

// endsInLineNumber reports whether the position line l ends with the
// digits of its line number, with no offset after them.
func endsInLineNumber(l []byte) bool {
	i := len(l)
	for i > 0 && '0' <= l[i-1] && l[i-1] <= '9' {
		i--
	}
	return i < len(l) && i > 0 && l[i-1] == ':'
}

// funcName returns the function name of a call line: the line without the
// trailing argument list, which is "(…)" for inlined calls and may itself
// hold braces but never parentheses.
func funcName(l []byte) []byte {
	if len(l) == 0 || l[len(l)-1] != ')' {
		return l
	}
	depth := 0
	for i := len(l) - 1; i >= 0; i-- {
		switch l[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				return l[:i]
			}
		}
	}
	return l
}

// looksLikeCall reports whether l has the shape of a call line: a name
// followed by a parenthesised argument list.
func looksLikeCall(l []byte) bool {
	n := len(funcName(l))
	return n > 0 && n < len(l) && bytes.IndexByte(l[:n], ' ') < 0
}

// parseElided reads "...N frames elided...".
func parseElided(l []byte) (int, bool) {
	const pre, post = "...", " frames elided..."
	if !bytes.HasPrefix(l, []byte(pre)) || !bytes.HasSuffix(l, []byte(post)) {
		return 0, false
	}
	digits := l[len(pre) : len(l)-len(post)]
	n, w := parseInt(digits)
	if w == 0 || w != len(digits) {
		return 0, false
	}
	return n, true
}

// parseOriginating reads "[originating from goroutine N]:".
func parseOriginating(l []byte) (int64, bool) {
	if !bytes.HasPrefix(l, originatingPrefix) {
		return 0, false
	}
	rest := l[len(originatingPrefix):]
	id, n := parseID(rest)
	if n == 0 || string(rest[n:]) != "]:" {
		return 0, false
	}
	return id, true
}

// maxDecimal bounds the numbers parseInt and parseID accept, so that no
// input can overflow them into negative values.
const (
	maxIntDigits = 9  // line numbers, minutes, frame counts: below 1e9
	maxIDDigits  = 18 // goroutine and bubble IDs: below 1e18
)

// parseInt reads the decimal number b starts with and returns it and the
// number of digits read; 0 digits when b starts with no digit or the number
// is too long to be one the runtime prints.
func parseInt(b []byte) (int, int) {
	v, n := parseDecimal(b, maxIntDigits)
	return int(v), n
}

// parseID is parseInt for goroutine and bubble IDs.
func parseID(b []byte) (int64, int) {
	return parseDecimal(b, maxIDDigits)
}

func parseDecimal(b []byte, maxDigits int) (int64, int) {
	var v int64
	i := 0
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		if i == maxDigits {
			return 0, 0
		}
		v = v*10 + int64(b[i]-'0')
		i++
	}
	return v, i
}
