package report

import (
	"bufio"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A goroutine that blocks in a dependency's code and was started there (a
// metrics library's ticker, a client's background refresher) cannot be
// fixed by an edit of the user's code, whatever its pattern: the useful
// answer is to keep it on purpose, with an ignore option or a baseline
// line, ready to paste, and to name the user's call that started it, whose
// owner may offer a Close or Stop.

// DependencyFix is what to do about a group whose goroutines block and
// start outside the user's module.
type DependencyFix struct {
	// Ignore is the leakcheck option that leaves such goroutines out, as
	// Go source: leakcheck.IgnoreTopFunction("…"), or IgnoreAnyFunction
	// when the top of the stack is the standard library's.
	Ignore string
	// Baseline is the group's line for a baseline file of known leaks.
	Baseline string
	// StartedBy is the user's call that started the goroutine, as
	// "file:line in function"; "" when unknown.
	StartedBy string
}

// DependencyFix returns the fix for g when its goroutines block and start
// outside the user's module (ModuleRoot); ok is false for the user's own
// goroutines, the standard library's, and when the module root is unknown.
func (r *Report) DependencyFix(g *Group) (fix DependencyFix, ok bool) {
	if r.ModuleRoot == "" || g.Block.File == "" || isStdFunc(g.Block.Func) || r.inModule(g.Block.File) {
		return fix, false
	}
	if g.CreatedBy != nil && r.inModule(g.CreatedBy.File) {
		return fix, false
	}
	top := ""
	if g.Stack != nil {
		for _, f := range g.Stack.Frames {
			if !f.Runtime() {
				top = f.Func
				break
			}
		}
	}
	if top != "" && !isStdFunc(top) {
		fix.Ignore = fmt.Sprintf("leakcheck.IgnoreTopFunction(%q)", top)
	} else {
		fix.Ignore = fmt.Sprintf("leakcheck.IgnoreAnyFunction(%q)", g.Block.Func)
	}
	fix.Baseline = g.BaselineLine(g.Count)
	if o := g.Origin; o != nil && r.inModule(o.File) {
		fix.StartedBy = fmt.Sprintf("%s in %s", r.pos(o.File, o.Line), FuncShort(o.Func))
	}
	return fix, true
}

// inModule reports whether file is the user's: under the module root and
// not in its vendor directory.
func (r *Report) inModule(file string) bool {
	rel, err := filepath.Rel(r.ModuleRoot, file)
	if err != nil || !filepath.IsLocal(rel) {
		return false
	}
	rel = filepath.ToSlash(rel)
	return rel != "vendor" && !strings.HasPrefix(rel, "vendor/")
}

// BaselineLine is g's line in a baseline file of known leaks, recording
// count goroutines: the fingerprint, the count, then for the people who
// review the file the blocking reason, blocking function, creating
// function and pattern, each made one line (see baselineWord), so a name
// can neither start a line of its own nor make one the reader refuses.
func (g *Group) BaselineLine(count int) string {
	creator := ""
	if g.CreatedBy != nil {
		creator = g.CreatedBy.Func
	}
	parts := []string{g.Fingerprint(), strconv.Itoa(count)}
	for _, p := range []string{string(g.Reason), g.Block.Func, creator, g.Diagnosis.PatternID} {
		parts = append(parts, baselineWord(p))
	}
	return strings.Join(parts, " ")
}

// MaxBaselineWord is the longest a name in a baseline line is written, in
// bytes (a longer one is cut, with an ellipsis after it).
const MaxBaselineWord = 200

// baselineWord is a name as a baseline line holds it: "-" for none,
// control and invalid characters escaped as Go quotes them (a newline in a
// name cannot start a line of its own), at most MaxBaselineWord bytes.
func baselineWord(s string) string {
	if s == "" {
		return "-"
	}
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= MaxBaselineWord {
			b.WriteString("…")
			break
		}
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), r == '\u2028', r == '\u2029':
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// The words of a DependencyFix, for the text and the HTML alike.
const (
	dependencyIntro    = "It blocks and starts outside this module, so no edit here stops it; to keep it, add the option"
	dependencyBaseline = "or this line to the baseline of known leaks (LEAKHOUND_BASELINE):"
	dependencyStarted  = "Started by your call at %s: look there for a Close or Stop."
)

// writeDependencyFix prints DependencyFix under a group, when there is one.
func (r *Report) writeDependencyFix(w *bufio.Writer, g *Group) {
	fix, ok := r.DependencyFix(g)
	if !ok {
		return
	}
	w.WriteString("    dependency: " + dependencyIntro + "\n")
	w.WriteString("          " + fix.Ignore + "\n")
	w.WriteString("          " + dependencyBaseline + "\n")
	w.WriteString("          " + fix.Baseline + "\n")
	if fix.StartedBy != "" {
		w.WriteString("          " + fmt.Sprintf(dependencyStarted, fix.StartedBy) + "\n")
	}
}

// htmlDependency is a DependencyFix with its words, for the page.
type htmlDependency struct {
	DependencyFix
	Intro, BaselineIntro, Started string
}

// htmlDependencyFix returns the page's view of g's DependencyFix, nil when
// there is none.
func (r *Report) htmlDependencyFix(g *Group) *htmlDependency {
	fix, ok := r.DependencyFix(g)
	if !ok {
		return nil
	}
	d := &htmlDependency{DependencyFix: fix, Intro: dependencyIntro, BaselineIntro: dependencyBaseline}
	if fix.StartedBy != "" {
		d.Started = fmt.Sprintf(dependencyStarted, fix.StartedBy)
	}
	return d
}
