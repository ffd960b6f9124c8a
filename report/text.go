package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/leakhound/leakhound/internal/words"
)

// maxTextGroups bounds the groups WriteText prints in full; the rest are
// summed up in one line, so a dump with thousands of distinct stacks still
// reads at a glance. The HTML and JSON reports list them all.
const maxTextGroups = 50

// maxTextIDs bounds the goroutine IDs printed per group.
const maxTextIDs = 5

// WriteText writes the report for a terminal: what `go test` prints when a
// test leaks. A header with the totals, then one block per group — how
// many goroutines, why and where they block, where they were started, by
// which tests, the diagnosis, the fix with its pattern ID, and the user's
// frames of one representative stack. Paths are relative to the module
// root. It never prints every stack; the HTML report has them.
//
// Control characters in the report's names (an escape sequence planted in
// a dump) are shown escaped, never sent to the terminal.
func (r *Report) WriteText(w io.Writer) error {
	var text bytes.Buffer
	bw := bufio.NewWriter(&text)
	r.writeHeader(bw)
	r.writeCycles(bw)
	for i, g := range r.Groups {
		if i == maxTextGroups {
			rest := 0
			for _, g := range r.Groups[i:] {
				rest += g.Count
			}
			fmt.Fprintf(bw, "\n… %s more in %s not shown (see the HTML or JSON report)\n",
				words.Plural(rest, "goroutine"), words.Plural(len(r.Groups)-i, "group"))
			break
		}
		r.writeGroup(bw, i+1, g)
	}
	bw.Flush() // into memory: cannot fail
	if _, err := w.Write(terminalSafe(text.Bytes())); err != nil {
		return fmt.Errorf("writing the text report: %w", err)
	}
	return nil
}

func (r *Report) writeHeader(w *bufio.Writer) {
	for _, line := range r.ContextLines() {
		w.WriteString(line + "\n")
	}
	title := r.Title
	if title == "" {
		title = "goroutines"
	}
	if r.Total == 0 {
		fmt.Fprintf(w, "leakhound: %s — no %s goroutines\n", title, r.noun())
		return
	}
	tests := make(map[string]struct{})
	leaked, running := 0, 0
	for _, g := range r.Groups {
		for _, t := range g.Tests {
			tests[t] = struct{}{}
		}
		leaked += g.Leaked
		if g.Reason == ReasonRunning {
			running += g.Count
		}
	}
	what := words.Plural(r.Total, "goroutine") + " leaked"
	if r.Dump {
		switch blocked := r.Total - running; {
		case running == 0:
			what = words.Plural(blocked, "goroutine") + " blocked"
		case blocked == 0:
			what = words.Plural(running, "goroutine") + " running"
		default:
			what = fmt.Sprintf("%s blocked and %d running", words.Plural(blocked, "goroutine"), running)
		}
	}
	fmt.Fprintf(w, "leakhound: %s — %s in %s", title, what, words.Plural(len(r.Groups), "group"))
	if len(tests) > 0 {
		fmt.Fprintf(w, " from %s", words.Plural(len(tests), "test"))
	}
	if leaked > 0 {
		fmt.Fprintf(w, "; %d proven leaked by the runtime", leaked)
	}
	if r.Baseline != "" {
		known := 0
		for _, g := range r.Groups {
			if g.Known {
				known += g.Count
			}
		}
		fmt.Fprintf(w, "; %d new, %d known in the baseline %s", r.Total-known, known, r.Baseline)
	}
	w.WriteString("\n")
}

// writeCycles prints each cycle of groups waiting on each other once,
// with each edge's lines, before the groups it joins.
func (r *Report) writeCycles(w *bufio.Writer) {
	for i, c := range r.Cycles {
		fmt.Fprintf(w, "\ncycle %d (%s): %s wait on each other\n", i+1, c.Kind, words.Plural(len(c.Groups), "group"))
		for _, e := range c.Edges {
			fmt.Fprintf(w, "    %s\n", e.Why)
		}
	}
}

func (r *Report) writeGroup(w *bufio.Writer, n int, g *Group) {
	state := g.State
	switch {
	case g.Reason == ReasonRunning:
		// Not a blocking reason: say that the goroutine kept running
		// through the wait, and keep the state the runtime printed.
		state = g.Reason.Title()
		if g.State != "" {
			state += " (" + g.State + ")"
		}
	case state == "":
		state = string(g.Reason)
	}
	fmt.Fprintf(w, "\n#%d  %d × %s", n, g.Count, state)
	if g.Block.Func != "" {
		fmt.Fprintf(w, " at %s in %s", r.pos(g.Block.File, g.Block.Line), FuncShort(g.Block.Func))
	}
	var marks []string
	if g.Known {
		marks = append(marks, "known, in the baseline")
	}
	if g.Leaked > 0 {
		marks = append(marks, fmt.Sprintf("%d proven leaked", g.Leaked))
	}
	if g.WaitMinutes > 0 {
		marks = append(marks, fmt.Sprintf("blocked %d min", g.WaitMinutes))
	}
	if len(marks) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(marks, ", "))
	}
	w.WriteString("\n")

	if g.CreatedBy != nil {
		fmt.Fprintf(w, "    created at %s by %s\n", r.pos(g.CreatedBy.File, g.CreatedBy.Line), FuncShort(g.CreatedBy.Func))
	}
	if o := g.Origin; o != nil {
		fmt.Fprintf(w, "    %s: %s in %s\n", strings.ToLower(originWords(g.OriginFrom)), r.pos(o.File, o.Line), FuncShort(o.Func))
	}
	if len(g.Tests) > 0 || len(g.IDs) > 0 {
		w.WriteString("    ")
		if len(g.Tests) > 0 {
			fmt.Fprintf(w, "test: %s", strings.Join(g.Tests, ", "))
			if len(g.IDs) > 0 {
				w.WriteString(" · ")
			}
		}
		if len(g.IDs) > 0 {
			writeIDs(w, g.IDs)
		}
		w.WriteString("\n")
	}
	if summary := g.Diagnosis.Summary; summary != "" {
		// The block line above already says where.
		summary = strings.TrimPrefix(summary, r.pos(g.Block.File, g.Block.Line)+": ")
		fmt.Fprintf(w, "    why:  %s\n", summary)
	}
	if p, ok := PatternByID(g.Diagnosis.PatternID); ok {
		fmt.Fprintf(w, "    fix:  [%s] %s\n", p.ID, g.Diagnosis.FixText())
	}
	r.writeDependencyFix(w, g)
	r.writeSuggestion(w, g)
	if line := r.editCheckLine(g); line != "" {
		fmt.Fprintf(w, "          %s\n", line)
	}
	frames := g.UserFrames()
	if len(frames) == 0 {
		return
	}
	width := 0
	for _, f := range frames {
		width = max(width, len(FuncShort(f.Func)))
	}
	for i, f := range frames {
		label := "    stack:"
		if i > 0 {
			label = "          "
		}
		fmt.Fprintf(w, "%s %-*s  %s\n", label, width, FuncShort(f.Func), r.pos(f.File, f.Line))
	}
}

func writeIDs(w *bufio.Writer, ids []int64) {
	if len(ids) == 1 {
		fmt.Fprintf(w, "goroutine %d", ids[0])
		return
	}
	w.WriteString("goroutines ")
	for i, id := range ids {
		if i == maxTextIDs {
			fmt.Fprintf(w, " +%d more", len(ids)-i)
			return
		}
		if i > 0 {
			w.WriteString(", ")
		}
		fmt.Fprintf(w, "%d", id)
	}
}

func (r *Report) pos(file string, line int) string {
	if line <= 0 {
		return r.RelPath(file)
	}
	return fmt.Sprintf("%s:%d", r.RelPath(file), line)
}
