package fixrun

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/leakhound/leakhound/report"
)

// WriteText writes, per leaking group, "verified: …" with the edits and
// what was checked, or "no verified fix: …" with what was tried and why
// each failed, then the notes and totals.
func (r *Result) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, note := range r.Notes {
		fmt.Fprintf(bw, "note: %s\n", strings.ReplaceAll(note, "\n", "\n      "))
	}
	if len(r.Notes) > 0 {
		bw.WriteString("\n")
	}
	verified := 0
	for _, g := range r.Groups {
		head := fmt.Sprintf("%s (%s): %d × %s", g.Where, testsOf(g), g.Count, g.Reason)
		if g.Pattern != "" {
			head += " [" + g.Pattern + "]"
		}
		if a := g.Verified; a != nil {
			verified++
			fmt.Fprintf(bw, "verified: %s\n", head)
			fmt.Fprintf(bw, "    %s\n", a.Summary)
			if a.From == speculativeFrom {
				bw.WriteString("    (fix's own candidate: the report does not suggest it, as it is not right for every program of this shape; the runs below are its warrant)\n")
			}
			r.writeEdits(bw, a)
			fmt.Fprintf(bw, "    checked: it builds and vets, %s passes every run with no leak", testsOf(g))
			if a.OtherTests {
				bw.WriteString(", the package's other tests still pass")
			}
			fmt.Fprintf(bw, " (%d runs, %s)\n", a.Runs, a.Elapsed.Round(100*time.Millisecond))
			for _, c := range a.ChangesAPI {
				fmt.Fprintf(bw, "    changes an exported signature: %s\n", c)
			}
		} else {
			fmt.Fprintf(bw, "no verified fix: %s\n", head)
			if g.Summary != "" {
				fmt.Fprintf(bw, "    why: %s\n", strings.TrimPrefix(oneLine(g.Summary), g.Where+": "))
			}
		}
		if len(g.Tried) > 0 {
			bw.WriteString("    tried:\n")
			for _, a := range g.Tried {
				fmt.Fprintf(bw, "      - %s (%s): %s\n", a.Summary, a.From, a.Outcome)
				if a.Detail != "" {
					fmt.Fprintf(bw, "          %s\n", strings.ReplaceAll(clip(a.Detail, 6), "\n", "\n          "))
				}
			}
		}
		if g.Verified == nil {
			if len(g.Tried) == 0 {
				why := g.NoEdit
				if why == "" {
					why = "the report suggests no edit for this group"
				}
				fmt.Fprintf(bw, "    no candidate: %s\n", why)
			}
			if g.Shape != "" {
				fmt.Fprintf(bw, "    shape of the fix: %s\n", g.Shape)
			}
		}
		bw.WriteString("\n")
	}
	fmt.Fprintf(bw, "%d of %d leaking group(s) have a verified fix; %d go runs, %s\n",
		verified, len(r.Groups), r.Runs, r.Elapsed.Round(100*time.Millisecond))
	return bw.Flush()
}

func (r *Result) writeEdits(bw *bufio.Writer, a *Attempt) {
	for i, e := range a.Edits {
		line := ""
		if i < len(a.Lines) {
			line = a.Lines[i]
		}
		fmt.Fprintf(bw, "    %s:%d  %s\n", r.rel(e.File), e.Line, line)
	}
}

// rel is file relative to the module root.
func (r *Result) rel(file string) string {
	return (&session{module: r.Module}).rel(file)
}

func testsOf(g *GroupResult) string {
	if len(g.Tests) == 0 {
		return g.Package
	}
	return strings.Join(g.Tests, ", ")
}

// oneLine joins text's lines.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// WriteDiff writes the verified edits as one unified diff, paths relative
// to the module root, which `git apply` and `patch -p1` take from there.
func (r *Result) WriteDiff(w io.Writer) error {
	edits := r.VerifiedEdits()
	if len(edits) == 0 {
		return nil
	}
	rep := &report.Report{ModuleRoot: r.Module, Groups: []*report.Group{{
		Diagnosis: report.Diagnosis{Suggestion: &report.Suggestion{Edits: edits}},
	}}}
	rep.ReadSourceUnder(r.Module) // the module fix ran is the user's own
	return rep.WriteDiff(w)
}

// wireResult is the JSON form of a Result.
type wireResult struct {
	Module    string      `json:"module"`
	Groups    []wireGroup `json:"groups"`
	Notes     []string    `json:"notes,omitempty"`
	Runs      int         `json:"runs"`
	ElapsedMS int64       `json:"elapsed_ms"`
	Patch     string      `json:"patch,omitempty"`
	Verified  int         `json:"verified"`
}

type wireGroup struct {
	*GroupResult
	Verified *wireAttempt  `json:"verified,omitempty"`
	Tried    []wireAttempt `json:"tried,omitempty"`
}

type wireAttempt struct {
	*Attempt
	Edits     []wireEdit `json:"edits"`
	ElapsedMS int64      `json:"elapsed_ms"`
}

// wireEdit is an edit as the report's JSON gives it (SCHEMA.md), with the
// path relative to the module root.
type wireEdit struct {
	File      string `json:"file"`
	StartByte int    `json:"start_byte"`
	EndByte   int    `json:"end_byte"`
	StartLine int    `json:"start_line"`
	EndLine   int    `json:"end_line"`
	Old       string `json:"old"`
	New       string `json:"new"`
}

func (r *Result) wireAttempt(a *Attempt) wireAttempt {
	w := wireAttempt{Attempt: a, ElapsedMS: a.Elapsed.Milliseconds()}
	for _, e := range a.Edits {
		w.Edits = append(w.Edits, wireEdit{File: r.rel(e.File), StartByte: e.Start, EndByte: e.End,
			StartLine: e.Line, EndLine: e.EndLine, Old: e.Old, New: e.New})
	}
	return w
}

// WriteJSON writes the result for tools: every group with its verified
// candidate or the candidates tried, and the verified patch as a diff.
func (r *Result) WriteJSON(w io.Writer) error {
	out := wireResult{Module: r.Module, Notes: r.Notes, Runs: r.Runs, ElapsedMS: r.Elapsed.Milliseconds(), Groups: []wireGroup{}}
	for _, g := range r.Groups {
		wg := wireGroup{GroupResult: g}
		if g.Verified != nil {
			a := r.wireAttempt(g.Verified)
			wg.Verified = &a
			out.Verified++
		}
		for _, a := range g.Tried {
			wg.Tried = append(wg.Tried, r.wireAttempt(a))
		}
		out.Groups = append(out.Groups, wg)
	}
	var patch strings.Builder
	if err := r.WriteDiff(&patch); err != nil {
		return err
	}
	out.Patch = patch.String()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("writing the fix result as JSON: %w", err)
	}
	return nil
}
