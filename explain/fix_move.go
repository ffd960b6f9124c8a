package explain

import (
	"fmt"
	"strings"

	"github.com/leakhound/leakhound/internal/fixrule"
	"github.com/leakhound/leakhound/report"
)

// moveFixes words, for each group that blocks before the statement that
// starts its partner (a send before the worker that receives it is
// started, a Wait inside the loop that starts what it waits for), the
// fix of moving the blocking statement after it (fixrule.MoveAfter, the
// rule leakhound fix builds and runs as a candidate). The catalog's
// advice for the operation (a buffer, a select on a context) does not
// say that the partner is simply not started yet. A group with an edit
// or a fix of its own keeps it; a group in a cycle keeps the cycle's.
func (d *diagnoser) moveFixes(r *report.Report) {
	for _, g := range r.Groups {
		df := &g.Diagnosis
		f := df.Facts
		if f.Op != "send" && f.Op != "receive" && f.Op != "wait" || len(f.Partners) == 0 || f.Cycle > 0 ||
			df.Fix != "" || df.Suggestion != nil {
			continue
		}
		if fix := d.moveFix(g); fix != "" {
			df.Fix = fix
		}
	}
}

// moveFix is g's fix when its blocking statement comes before what
// starts every one of its partners, "" otherwise.
func (d *diagnoser) moveFix(g *report.Group) string {
	sf := d.src.file(g.Block.File)
	if sf == nil {
		return ""
	}
	var lines []int
	for _, pt := range g.Diagnosis.Facts.Partners {
		if pt.File != g.Block.File {
			return "" // a partner elsewhere: not the shape
		}
		lines = append(lines, pt.Line)
	}
	p := &fixrule.File{Fset: sf.fset, AST: sf.ast, Src: sf.src}
	st, after, ok := fixrule.MoveAfter(p, g.Block.Line, lines)
	if !ok {
		return ""
	}
	start, _, more := strings.Cut(p.Text(after), "\n")
	if more {
		start += " …"
	}
	return fmt.Sprintf("move `%s` (%s:%d) after `%s` (line %d), which starts what it waits for: before it, "+
		"nothing can serve it", p.Text(st), d.rel(g.Block.File), p.Line(st.Pos()), start, p.Line(after.Pos()))
}
