package report

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/srcfile"
)

// Edit is one change to a source file, in the shape editors and gopls-style
// tools apply: replace the bytes [Start, End) of File with New. An
// insertion has Start == End.
type Edit struct {
	// File is the source file's path as the stack names it (absolute).
	File string
	// Start and End are byte offsets into the file as it was read.
	Start, End int
	// Line and EndLine are the 1-based lines of Start and End.
	Line, EndLine int
	// Old is the text the edit replaces, so a stale edit (the file changed
	// since) is refused instead of applied in the wrong place.
	Old string
	// New is the replacement text.
	New string
}

// Suggestion is a fix computed on the user's own source: edits that are
// mechanical and safe for the shape the diagnosis found. Each edit keeps
// the user's formatting around it and leaves the file gofmt-clean.
type Suggestion struct {
	// Summary says in one line what the edits do and why they are enough.
	Summary string
	// Edits are the changes, in file order.
	Edits []Edit
	// Lines shows each edit on one line, for the text report: the line as
	// it is, an arrow and what it becomes; "+ …" for a new line and "- …"
	// for a removed one. Lines[i] is Edits[i].
	Lines []string
}

// ApplyEdits returns src with edits applied. The edits must all belong to
// src's file; they are applied in offset order and must not overlap. An
// edit whose Old text is not at its offsets in src is an error: the file
// has changed since the report was made.
func ApplyEdits(src []byte, edits []Edit) ([]byte, error) {
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, compareEdits)
	var out bytes.Buffer
	at := 0
	for _, e := range sorted {
		if e.Start < at || e.End < e.Start || e.End > len(src) {
			return nil, fmt.Errorf("edit at %s:%d overlaps another edit or lies outside the file", e.File, e.Line)
		}
		if string(src[e.Start:e.End]) != e.Old {
			return nil, fmt.Errorf("edit at %s:%d: the file no longer has %q there; it changed since the report was made",
				e.File, e.Line, e.Old)
		}
		out.Write(src[at:e.Start])
		out.WriteString(e.New)
		at = e.End
	}
	out.Write(src[at:])
	return out.Bytes(), nil
}

func compareEdits(a, b Edit) int {
	if c := cmp.Compare(a.File, b.File); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Start, b.Start); c != 0 {
		return c
	}
	return cmp.Compare(a.End, b.End)
}

// Edits returns every edit the report suggests, grouped by file and in
// offset order, each once even when several groups suggest it.
func (r *Report) Edits() []Edit {
	var all []Edit
	for _, g := range r.Groups {
		if g.Diagnosis.Suggestion != nil {
			all = append(all, g.Diagnosis.Suggestion.Edits...)
		}
	}
	slices.SortStableFunc(all, compareEdits)
	return slices.CompactFunc(all, func(a, b Edit) bool { return a == b })
}

// Arrange puts s's edits in file order and shows each on one line in
// Lines; src returns the text of the file an edit applies to, false when
// it was not read (its line is left empty).
func (s *Suggestion) Arrange(src func(file string) ([]byte, bool)) {
	slices.SortStableFunc(s.Edits, compareEdits)
	s.Lines = make([]string, len(s.Edits))
	for i, ed := range s.Edits {
		if text, ok := src(ed.File); ok {
			s.Lines[i] = editLine(ed, text)
		}
	}
}

// editLine renders an edit on one line (see Suggestion.Lines); src is
// the file's text the edit applies to.
func editLine(e Edit, src []byte) string {
	if e.End > len(src) || e.Start > e.End {
		return oneLine(e.New)
	}
	ls := srcfile.LineStart(src, e.Start)
	le := srcfile.LineEnd(src, max(e.End, e.Start))
	if e.End > e.Start && e.End == srcfile.LineStart(src, e.End) {
		le = e.End // the edit ends with a newline: its last line is the one before
	}
	oldLines := oneLine(string(src[ls:le]))
	switch {
	case e.Start == e.End && e.Start == ls && strings.HasSuffix(e.New, "\n"):
		return "+ " + oneLine(e.New)
	case e.New == "" && e.Start == ls && e.End == le:
		return "- " + oldLines
	}
	newText := string(src[ls:e.Start]) + e.New + string(src[e.End:le])
	// "out := make(chan T) → make(chan T, 2)": the left side the edit does
	// not touch is said once.
	cut := 0
	head := string(src[ls:e.Start])
	for _, op := range []string{" := ", " = "} {
		if i := strings.Index(head, op); i >= 0 && !strings.Contains(e.New, "\n") {
			cut = i + len(op)
			break
		}
	}
	return oldLines + " → " + oneLine(newText[cut:])
}

// oneLine joins the lines of Go source into one, statements separated by
// "; " and blocks kept on the line, for one-line displays.
func oneLine(s string) string {
	var b strings.Builder
	for l := range strings.SplitSeq(strings.TrimSpace(s), "\n") {
		l = strings.TrimSpace(srcfile.StripComment([]byte(l)))
		if l == "" {
			continue
		}
		if b.Len() > 0 {
			prev := b.String()
			if strings.HasSuffix(prev, "{") || strings.HasSuffix(prev, ":") || strings.HasPrefix(l, "}") ||
				strings.HasPrefix(l, "case ") || strings.HasPrefix(l, "default:") {
				b.WriteString(" ")
			} else {
				b.WriteString("; ")
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// writeSuggestion writes the group's suggested edits for the text report,
// one line each, or why there is none.
func (r *Report) writeSuggestion(w *bufio.Writer, g *Group) {
	if sug := g.Diagnosis.Suggestion; sug != nil {
		fmt.Fprintf(w, "    edit: %s\n", sug.Summary)
		for i, e := range sug.Edits {
			fmt.Fprintf(w, "          %s:%d  %s\n", r.RelPath(e.File), e.Line, sug.Lines[i])
		}
		return
	}
	if g.Diagnosis.NoEdit != "" {
		fmt.Fprintf(w, "    edit: none — %s\n", g.Diagnosis.NoEdit)
	}
}
