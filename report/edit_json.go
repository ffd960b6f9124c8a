package report

// jsonSuggestion is Suggestion on the wire (SCHEMA.md, diagnosis.suggestion).
type jsonSuggestion struct {
	Summary string     `json:"summary"`
	Edits   []jsonEdit `json:"edits"`
}

// jsonEdit is Edit on the wire: the byte range and the line range of the
// replaced text, the text it replaces and the new text, as editors and
// gopls-style tools apply them.
type jsonEdit struct {
	File      string `json:"file"`
	StartByte int    `json:"start_byte"`
	EndByte   int    `json:"end_byte"`
	StartLine int    `json:"start_line"`
	EndLine   int    `json:"end_line"`
	Old       string `json:"old"`
	New       string `json:"new"`
	Display   string `json:"display,omitempty"`
}

func wireSuggestion(s *Suggestion) *jsonSuggestion {
	if s == nil {
		return nil
	}
	w := &jsonSuggestion{Summary: s.Summary, Edits: make([]jsonEdit, len(s.Edits))}
	for i, e := range s.Edits {
		w.Edits[i] = jsonEdit{File: e.File, StartByte: e.Start, EndByte: e.End, StartLine: e.Line, EndLine: e.EndLine,
			Old: e.Old, New: e.New}
		if i < len(s.Lines) {
			w.Edits[i].Display = s.Lines[i]
		}
	}
	return w
}

func (w *jsonSuggestion) suggestion() *Suggestion {
	if w == nil {
		return nil
	}
	s := &Suggestion{Summary: w.Summary}
	for _, e := range w.Edits {
		s.Edits = append(s.Edits, Edit{File: e.File, Start: e.StartByte, End: e.EndByte, Line: e.StartLine,
			EndLine: e.EndLine, Old: e.Old, New: e.New})
		s.Lines = append(s.Lines, e.Display)
	}
	return s
}
