package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
)

// diffContext is the number of unchanged lines shown around each change,
// as diff -u and git diff show.
const diffContext = 3

// WriteDiff writes every edit the report suggests as one unified diff.
// Paths are relative to the module root and start with "./", so from the
// module root both `git apply` and `patch -p0` apply it. Files that cannot
// be read, or whose text no longer matches the edits, are skipped and
// named in the returned error; the others are still written.
func (r *Report) WriteDiff(w io.Writer) error {
	bw := bufio.NewWriter(w)
	edits := r.Edits()
	var problems []string
	for i := 0; i < len(edits); {
		j := i
		for j < len(edits) && edits[j].File == edits[i].File {
			j++
		}
		file := edits[i].File
		src, err := r.sources.Read(file)
		if err == nil {
			err = writeFileDiff(bw, diffPath(r.RelPath(file)), src, edits[i:j])
		}
		if err != nil {
			problems = append(problems, err.Error())
		}
		i = j
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the diff: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("some suggested edits were left out of the diff: %s", strings.Join(problems, "; "))
	}
	return nil
}

// diffPath is the path a diff names: "./" before a relative path, which
// `patch -p0` keeps and `git apply` strips as its one leading component.
func diffPath(rel string) string {
	if strings.HasPrefix(rel, "/") {
		return rel
	}
	return "./" + rel
}

// region is a run of whole lines of the old file and what replaces them.
type region struct {
	from, to int // old lines [from, to), 0-based
	lines    []string
}

// writeFileDiff writes the unified diff of one file's edits.
func writeFileDiff(w *bufio.Writer, name string, src []byte, edits []Edit) error {
	hunks, err := fileHunks(src, edits, diffContext)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "--- %s\n+++ %s\n", name, name)
	for _, h := range hunks {
		fmt.Fprintf(w, "@@ -%s +%s @@\n", hunkRange(h.oldStart, h.oldN), hunkRange(h.newStart, h.newN))
		for _, l := range h.lines {
			w.WriteByte(l.kind)
			w.WriteString(l.text)
			if !strings.HasSuffix(l.text, "\n") {
				w.WriteString("\n\\ No newline at end of file\n")
			}
		}
	}
	return nil
}

// hunk is one stretch of a file's diff: 0-based starts of the old and new
// ranges, their lengths, and the lines with their kind (' ', '-', '+').
type hunk struct {
	oldStart, oldN, newStart, newN int
	lines                          []hunkLine
}

type hunkLine struct {
	kind     byte
	old, new int // 1-based line numbers, 0 where the line is not in that side
	text     string
}

// fileHunks diffs one file's edits with context lines around each change.
// Each edit is widened to the whole lines it touches; edits whose lines
// meet are one region, and regions whose context overlaps share a hunk.
func fileHunks(src []byte, edits []Edit, context int) ([]hunk, error) {
	if _, err := ApplyEdits(src, edits); err != nil {
		return nil, err
	}
	edits = slices.Clone(edits)
	slices.SortStableFunc(edits, compareEdits)
	old := splitLines(src)
	starts := make([]int, len(old)+1)
	for i, l := range old {
		starts[i+1] = starts[i] + len(l)
	}
	lineAt := func(off int) int { // 0-based line holding off
		lo, hi := 0, len(old)
		for lo < hi {
			mid := (lo + hi) / 2
			if starts[mid+1] <= off {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return lo
	}
	var regions []region
	var group []Edit
	flush := func(from, to int) {
		rel := make([]Edit, len(group))
		for k, e := range group {
			e.Start -= starts[from]
			e.End -= starts[from]
			rel[k] = e
		}
		text, _ := ApplyEdits(src[starts[from]:starts[to]], rel) // checked above
		regions = append(regions, region{from: from, to: to, lines: splitLines(text)})
		group = group[:0]
	}
	gFrom, gTo := 0, 0
	for _, e := range edits {
		from := lineAt(e.Start)
		to := from
		if e.End > e.Start {
			to = lineAt(e.End-1) + 1
		} else if e.Start != starts[from] {
			to = from + 1 // an insertion inside a line rewrites that line
		}
		if len(group) > 0 && from < gTo {
			group = append(group, e)
			gTo = max(gTo, to)
			continue
		}
		if len(group) > 0 {
			flush(gFrom, gTo)
		}
		group = append(group, e)
		gFrom, gTo = from, to
	}
	if len(group) > 0 {
		flush(gFrom, gTo)
	}
	var hunks []hunk
	shift := 0 // lines earlier hunks added, for the new file's numbering
	for i := 0; i < len(regions); {
		j := i + 1
		for j < len(regions) && regions[j].from-regions[j-1].to <= 2*context {
			j++
		}
		h := makeHunk(old, regions[i:j], shift, context)
		shift += h.newN - h.oldN
		hunks = append(hunks, h)
		i = j
	}
	return hunks, nil
}

func makeHunk(old []string, regions []region, shift, context int) hunk {
	first, last := regions[0], regions[len(regions)-1]
	from := max(0, first.from-context)
	to := min(len(old), last.to+context)
	h := hunk{oldStart: from, newStart: from + shift}
	at := from
	add := func(kind byte, text string) {
		l := hunkLine{kind: kind, text: text}
		if kind != '+' {
			h.oldN++
			l.old = h.oldStart + h.oldN
		}
		if kind != '-' {
			h.newN++
			l.new = h.newStart + h.newN
		}
		h.lines = append(h.lines, l)
	}
	for _, r := range regions {
		for ; at < r.from; at++ {
			add(' ', old[at])
		}
		for ; at < r.to; at++ {
			add('-', old[at])
		}
		for _, l := range r.lines {
			add('+', l)
		}
	}
	for ; at < to; at++ {
		add(' ', old[at])
	}
	return h
}

// hunkRange formats a unified diff range: 1-based start and count, with
// the start of an empty range being the line before it.
func hunkRange(from, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", from)
	}
	if n == 1 {
		return fmt.Sprintf("%d", from+1)
	}
	return fmt.Sprintf("%d,%d", from+1, n)
}

// splitLines splits text into lines that keep their newline; the last
// line has none when the text does not end with one.
func splitLines(b []byte) []string {
	var lines []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			lines = append(lines, string(b))
			break
		}
		lines = append(lines, string(b[:i+1]))
		b = b[i+1:]
	}
	return lines
}
