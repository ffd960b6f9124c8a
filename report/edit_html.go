package report

import "strings"

// htmlEdit is a group's suggested edit as the HTML report shows it: a diff
// of the user's own lines, per file.
type htmlEdit struct {
	Summary string
	Files   []htmlDiffFile
	Why     string // why the diff cannot be shown (the file changed or is gone)
	// Check says whether leakhound fix verified the edit, or the command
	// that does; Verified marks the verified ones.
	Check    string
	Verified bool
}

type htmlDiffFile struct {
	File, Shown string
	Lines       []htmlDiffLine
}

// htmlDiffLine is one line of the diff view: old and new line numbers (0
// where the line is not on that side), "ctx", "del", "add" or "gap", and
// the text with tabs shown as four spaces like the source excerpt.
type htmlDiffLine struct {
	Old, New   int
	Kind, Text string
}

// htmlEditContext is the number of unchanged lines around each change in
// the HTML diff view.
const htmlEditContext = 2

// newHTMLEdit builds the diff view of a suggestion from the files on this
// machine; nil when there is no suggestion.
func newHTMLEdit(r *Report, sug *Suggestion) *htmlEdit {
	if sug == nil {
		return nil
	}
	he := &htmlEdit{Summary: sug.Summary}
	edits := append([]Edit(nil), sug.Edits...)
	for i := 0; i < len(edits); {
		j := i
		for j < len(edits) && edits[j].File == edits[i].File {
			j++
		}
		file := edits[i].File
		src, err := r.sources.Read(file)
		var hunks []hunk
		if err == nil {
			hunks, err = fileHunks(src, edits[i:j], htmlEditContext)
		}
		if err != nil {
			he.Why = "the edit cannot be shown against " + r.RelPath(file) + ": " + err.Error()
			return he
		}
		df := htmlDiffFile{File: file, Shown: r.RelPath(file)}
		for k, h := range hunks {
			if k > 0 {
				df.Lines = append(df.Lines, htmlDiffLine{Kind: "gap", Text: "⋯"})
			}
			for _, l := range h.lines {
				kind := map[byte]string{' ': "ctx", '-': "del", '+': "add"}[l.kind]
				text := strings.ReplaceAll(strings.TrimRight(l.text, "\n"), "\t", "    ")
				df.Lines = append(df.Lines, htmlDiffLine{Old: l.old, New: l.new, Kind: kind, Text: text})
			}
		}
		he.Files = append(he.Files, df)
		i = j
	}
	return he
}
