package fixrun

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// The report suggests only edits it can call safe without running
// anything. fix runs every candidate before showing it, so it also tries
// a few edits the report leaves out because they are not always right,
// built from the diagnosis's facts: the tests decide. They are tried
// after the report's own and say that they are fix's.

// speculativeFrom marks the candidates fix makes itself.
const speculativeFrom = "fix's own candidate, not in the report"

// maxContextCandidates bounds the context candidates per group: one per
// context.Background() or TODO() found, the nearest first.
const maxContextCandidates = 3

// speculate returns fix's own candidates for g: first those that edit a
// line or two (a buffer, a defer, a context), then the lock and channel
// rewrites of speculate_*.go, which move or wrap statements. Each is
// marked with its family, for the combinations (candidates.go). peers
// are the groups the same tests left, g among them.
func (s *session) speculate(g *report.Group, peers []*report.Group) []*candidate {
	var cands []*candidate
	add := func(family string, cs ...*candidate) {
		for _, c := range cs {
			if c != nil {
				c.family = family
				cands = append(cands, c)
			}
		}
	}
	add("buffer", bufferCandidate(g))
	add("closer", s.closerCandidates(g)...)
	if g.Diagnosis.PatternID == report.PatternContextNeverDone || g.Diagnosis.PatternID == report.PatternSelectNoExit ||
		g.Diagnosis.Facts.Select != nil || g.Reason == report.ReasonChanReceiveNil {
		add("context", s.contextCandidates(g)...)
	}
	add("stop select", s.stopSelectCandidates(g)...)
	add("move", s.moveCandidates(g)...)
	add("defer close", s.deferCloseCandidates(g)...)
	add("locked variant", s.lockedCandidates(g)...)
	add("unlock around", s.unlockCandidates(g, peers)...)
	return cands
}

// bufferCandidate gives the channel a blocked sender waits on a buffer of
// one, when the diagnosis found where that unbuffered channel is made:
// the report declines it when it cannot count the senders or the values
// left unread, and the tests tell whether one is enough.
func bufferCandidate(g *report.Group) *candidate {
	f := g.Diagnosis.Facts
	if f.Op != "send" || f.Make == nil || f.Buffer != "" {
		return nil
	}
	src, err := os.ReadFile(f.Make.File)
	if err != nil {
		return nil
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, f.Make.File, src, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	var edit *report.Edit
	ast.Inspect(file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || edit != nil {
			return edit == nil
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok || id.Name != "make" || len(call.Args) != 1 || fset.Position(call.Pos()).Line != f.Make.Line {
			return true
		}
		if _, ok := call.Args[0].(*ast.ChanType); !ok {
			return true
		}
		at := fset.Position(call.Args[0].End()).Offset
		line := fset.Position(call.Pos()).Line
		edit = &report.Edit{File: f.Make.File, Start: at, End: at, Line: line, EndLine: line, New: ", 1"}
		return false
	})
	if edit == nil {
		return nil
	}
	return &candidate{
		summary: fmt.Sprintf("give %s a buffer of one, so its sender does not wait for a receiver that has gone", f.Object),
		from:    speculativeFrom,
		edits:   []report.Edit{*edit},
		lines:   []string{fmt.Sprintf("%s → buffered (1)", f.Make.Text)},
	}
}

// contextCandidates replace a context.Background() or context.TODO(),
// passed inside a function that has a context of its own, with that
// context: a goroutine that waits on a context nothing cancels is
// released when its caller's ends. They also defer the cancel function
// of a context.WithCancel (or WithTimeout, WithDeadline) that its function
// does not defer: a path that forgets to call it leaves the context's
// waiters. The calls are looked for in the files
// of the goroutine's blocking and creating frames, those files first.
func (s *session) contextCandidates(g *report.Group) []*candidate {
	var files []string
	if g.CreatedBy != nil && g.CreatedBy.File != "" {
		files = append(files, g.CreatedBy.File)
	}
	if g.Block.File != "" {
		files = appendOnce(files, g.Block.File)
	}
	for _, f := range slices.Clone(files) {
		if others, err := filepath.Glob(filepath.Join(filepath.Dir(f), "*.go")); err == nil {
			for _, o := range others {
				if !strings.HasSuffix(o, "_test.go") {
					files = appendOnce(files, o)
				}
			}
		}
	}
	var cands []*candidate
	for _, file := range files {
		if !s.inModule(file) {
			continue
		}
		for _, c := range append(backgroundInContextFunc(file), deferCancel(file)...) {
			if len(cands) == maxContextCandidates {
				return cands
			}
			cands = append(cands, c)
		}
	}
	return cands
}

// inModule reports whether file lies inside the module.
func (s *session) inModule(file string) bool {
	rel, err := filepath.Rel(s.module, file)
	return err == nil && filepath.IsAbs(file) && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// backgroundInContextFunc finds, in file, the context.Background() and
// context.TODO() calls inside a function with a named context.Context
// parameter, and returns for each the candidate that passes the
// parameter instead.
func backgroundInContextFunc(file string) []*candidate {
	fset, f, src, ok := parseSource(file)
	if !ok {
		return nil
	}
	var cands []*candidate
	var visit func(n ast.Node, ctx string)
	visit = func(n ast.Node, ctx string) {
		ast.Inspect(n, func(m ast.Node) bool {
			switch m := m.(type) {
			case *ast.FuncLit:
				if m == n {
					return true
				}
				visit(m, cmp.Or(contextParam(m.Type), ctx))
				return false
			case *ast.CallExpr:
				if ctx == "" || !isContextRoot(m) {
					return true
				}
				start, end := fset.Position(m.Pos()), fset.Position(m.End())
				old := string(src[start.Offset:end.Offset])
				cands = append(cands, &candidate{
					summary: fmt.Sprintf("pass %s instead of %s at %s:%d, so what waits on it ends when %s is cancelled", ctx, old, filepath.Base(file), start.Line, ctx),
					from:    speculativeFrom,
					edits:   []report.Edit{{File: file, Start: start.Offset, End: end.Offset, Line: start.Line, EndLine: end.Line, Old: old, New: ctx}},
					lines:   []string{fmt.Sprintf("%s → %s", old, ctx)},
				})
			}
			return true
		})
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			visit(fd.Body, contextParam(fd.Type))
		}
	}
	return cands
}

// contextParam is the name of a function type's context.Context
// parameter, "" when it has none.
func contextParam(ft *ast.FuncType) string {
	if ft == nil || ft.Params == nil {
		return ""
	}
	for _, p := range ft.Params.List {
		sel, ok := p.Type.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Context" {
			continue
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "context" {
			continue
		}
		for _, n := range p.Names {
			if n.Name != "_" {
				return n.Name
			}
		}
	}
	return ""
}

// isContextRoot reports whether call is context.Background() or
// context.TODO().
func isContextRoot(call *ast.CallExpr) bool {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || len(call.Args) != 0 {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "context" && (sel.Sel.Name == "Background" || sel.Sel.Name == "TODO")
}

// deferCancel finds, in file, the statements `ctx, cancel :=
// context.WithCancel(…)` (WithCancelCause, WithTimeout, WithDeadline)
// whose function has no `defer cancel()`, and returns for each the
// candidate that adds one right after it.
func deferCancel(file string) []*candidate {
	fset, f, src, ok := parseSource(file)
	if !ok {
		return nil
	}
	var cands []*candidate
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		deferred := map[string]bool{}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if ds, ok := n.(*ast.DeferStmt); ok {
				if id, ok := ds.Call.Fun.(*ast.Ident); ok {
					deferred[id.Name] = true
				}
			}
			return true
		})
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
				return true
			}
			call, ok := as.Rhs[0].(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !slices.Contains([]string{"WithCancel", "WithCancelCause", "WithTimeout", "WithDeadline"}, sel.Sel.Name) {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "context" {
				return true
			}
			cancel, ok := as.Lhs[1].(*ast.Ident)
			if !ok || cancel.Name == "_" || deferred[cancel.Name] {
				return true
			}
			start, end := fset.Position(as.Pos()), fset.Position(as.End())
			lineStart := strings.LastIndexByte(string(src[:start.Offset]), '\n') + 1
			indent := string(src[lineStart:start.Offset])
			if strings.TrimSpace(indent) != "" {
				return true // not a statement on a line of its own
			}
			stop := cancel.Name + "()"
			if sel.Sel.Name == "WithCancelCause" {
				stop = cancel.Name + "(nil)"
			}
			cands = append(cands, &candidate{
				summary: fmt.Sprintf("defer %s right after context.%s at %s:%d, so every return cancels what waits on the context", stop, sel.Sel.Name, filepath.Base(file), start.Line),
				from:    speculativeFrom,
				edits:   []report.Edit{{File: file, Start: end.Offset, End: end.Offset, Line: end.Line, EndLine: end.Line, New: "\n" + indent + "defer " + stop}},
				lines:   []string{"+ defer " + stop},
			})
			return true
		})
	}
	return cands
}

// parseSource reads and parses one of the module's Go files for the
// candidates fix writes itself; ok is false when it cannot be read or
// does not parse (that file then gets no candidate).
func parseSource(file string) (fset *token.FileSet, f *ast.File, src []byte, ok bool) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, nil, false
	}
	fset = token.NewFileSet()
	f, err = parser.ParseFile(fset, file, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, nil, false
	}
	return fset, f, src, true
}
