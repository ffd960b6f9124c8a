package fixrun

import (
	"fmt"
	"path/filepath"

	"github.com/leakhound/leakhound/internal/fixrule"
	"github.com/leakhound/leakhound/report"
)

// moveCandidates move the blocking statement past the statement that
// starts its partner (fixrule.MoveAfter, which the report words as the
// group's fix): moving the operation after it is the third strategy of
// published fixes of blocking Go bugs (a Wait inside the loop that starts
// what it waits for; a send before the worker that receives it is
// started).
func (s *session) moveCandidates(g *report.Group) []*candidate {
	f := g.Diagnosis.Facts
	if (f.Op != "send" && f.Op != "receive" && f.Op != "wait") || len(f.Partners) == 0 || !s.inModule(g.Block.File) {
		return nil
	}
	p := parseFile(g.Block.File)
	if p == nil {
		return nil
	}
	var lines []int
	for _, pt := range f.Partners {
		if pt.File != g.Block.File {
			return nil // a partner elsewhere: not the shape
		}
		lines = append(lines, pt.Line)
	}
	st, after, ok := fixrule.MoveAfter(p.lf, g.Block.Line, lines)
	if !ok {
		return nil
	}
	indent, _ := p.indentOf(after)
	del := p.deleteStmt(st)
	at, line := p.offset(after.End()), p.line(after.End())
	text := p.text(st)
	return []*candidate{{
		summary: fmt.Sprintf("move %s (%s:%d) after %s, which starts what it waits for", text, filepath.Base(p.name), p.line(st.Pos()), firstLine(p.text(after))),
		from:    speculativeFrom,
		edits: []report.Edit{del,
			{File: p.name, Start: at, End: at, Line: line, EndLine: line, New: "\n" + indent + text}},
		lines: []string{"- " + text, "+ " + text + " (after line " + fmt.Sprint(line) + ")"},
	}}
}
