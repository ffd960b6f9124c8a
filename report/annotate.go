package report

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/profile"
)

// WriteAnnotations writes one GitHub Actions workflow command per group,
//
//	::error file=pkg/worker.go,line=42,title=LH001 …::message
//
// so the leak shows up on the blocking line of the pull request's diff.
// leakcheck calls it, next to WriteText, when the environment variable
// GITHUB_ACTIONS is "true" (GitHub sets it on every runner). File paths are
// relative to the module root, which is the repository root in the usual
// layout; WriteAnnotationsIn makes them relative to the repository when the
// module is in a subdirectory. Values are escaped as the workflow-command
// syntax requires, so a message holding newlines, colons or commas cannot
// break the command.
func (r *Report) WriteAnnotations(w io.Writer) error {
	return r.WriteAnnotationsIn(w, "")
}

// WriteAnnotationsIn is WriteAnnotations with file paths relative to
// workspace, the repository's checkout (the GITHUB_WORKSPACE directory of
// a GitHub Actions job), so that the annotations of a module kept in a
// subdirectory of the repository land on the right files. With workspace
// "", or a file outside it, paths are as WriteAnnotations gives them.
func (r *Report) WriteAnnotationsIn(w io.Writer, workspace string) error {
	bw := bufio.NewWriter(w)
	for _, g := range r.Groups {
		state := g.State
		if state == "" {
			state = string(g.Reason)
		}
		title := fmt.Sprintf("%s: %s", words.Plural(g.Count, r.noun()+" goroutine"), state)
		if g.Diagnosis.PatternID != "" {
			title = g.Diagnosis.PatternID + " " + title
		}
		msg := g.Diagnosis.Summary
		if fix := g.Diagnosis.FixText(); fix != "" {
			msg += "\nFix: " + fix
		}
		if len(g.Tests) > 0 {
			msg += "\nTests: " + strings.Join(g.Tests, ", ")
		}
		bw.WriteString("::error ")
		if at, ok := r.annotationFrame(g); ok {
			fmt.Fprintf(bw, "file=%s,", escapeProperty(r.annotationPath(at.File, workspace)))
			if at.Line > 0 {
				fmt.Fprintf(bw, "line=%d,", at.Line)
			}
		}
		fmt.Fprintf(bw, "title=%s::%s\n", escapeProperty(title), escapeData(msg))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing GitHub annotations: %w", err)
	}
	return nil
}

// annotationFrame picks the line to annotate: the blocking frame when it
// is in the module, else the innermost frame of the stack or the go
// statement that is. Without a module root any blocking frame will do. A
// goroutine that never touches the module (an HTTP transport's loop) gets
// no position: GitHub shows the annotation on the run instead.
func (r *Report) annotationFrame(g *Group) (profile.Frame, bool) {
	inModule := func(f profile.Frame) bool {
		if f.File == "" {
			return false
		}
		if r.ModuleRoot == "" {
			return true
		}
		root := filepath.Clean(r.ModuleRoot) + string(filepath.Separator)
		return strings.HasPrefix(filepath.Clean(f.File), root)
	}
	if inModule(g.Block) {
		return g.Block, true
	}
	if g.Stack != nil {
		for _, f := range g.Stack.Frames {
			if inModule(f) {
				return f, true
			}
		}
	}
	if g.CreatedBy != nil && inModule(*g.CreatedBy) {
		return *g.CreatedBy, true
	}
	return profile.Frame{}, false
}

// annotationPath is file relative to workspace when it is inside it, and
// as the report shows it otherwise.
func (r *Report) annotationPath(file, workspace string) string {
	if workspace != "" {
		if rel, err := filepath.Rel(workspace, file); err == nil && filepath.IsLocal(rel) {
			return filepath.ToSlash(rel)
		}
	}
	return r.RelPath(file)
}

// escapeData escapes a workflow command's message: the percent sign first,
// so the escapes added after it stay intact, then line breaks.
func escapeData(s string) string {
	return dataEscaper.Replace(s)
}

// escapeProperty escapes a workflow command's property value, which
// additionally must not hold the ':' and ',' that delimit properties.
func escapeProperty(s string) string {
	return propertyEscaper.Replace(s)
}

// strings.Replacer replaces in one pass, so "%" is never escaped twice.
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)
