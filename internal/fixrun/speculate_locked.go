package fixrun

import (
	"fmt"
	"go/ast"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/fixrule"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// maxLockedChain bounds the functions between the one that holds a lock
// and the one that takes it again, for the locked-variant candidate.
const maxLockedChain = 3

// lockedCandidates fix a goroutine that takes a lock it already holds,
// taken by a caller further up its stack (a recursive Lock, or an RLock
// behind a waiting writer): the callee gets a variant that expects the
// lock held, named with a Locked suffix (the Go convention for such
// helpers), and the holder calls that variant instead. The variant is the
// callee without its Lock and Unlock statements of that mutex; when other
// functions sit between the two, each gets a variant that calls the
// next one's. The callee keeps its own lock for its other callers.
func (s *session) lockedCandidates(g *report.Group) []*candidate {
	f := g.Diagnosis.Facts
	if (f.Op != "lock" && f.Op != "rlock") || g.Stack == nil || !s.inModule(g.Block.File) {
		return nil
	}
	from := frameIndex(g.Stack.Frames, g.Block)
	pb := parseFile(g.Block.File)
	if from < 0 || pb == nil {
		return nil
	}
	fn := pb.funcAt(g.Block.Line)
	if fn == nil {
		return nil
	}
	mu := lockOf(pb.stmtAt(fn, g.Block.Line))
	if mu == "" {
		return nil
	}
	own := rootType(fn, mu)
	var cands []*candidate
	for _, h := range f.Held {
		if !s.inModule(h.Lock.File) || own == "" || mutexField(h.Mutex) != mutexField(mu) {
			continue
		}
		ph := parseFile(h.Lock.File)
		if ph == nil || rootType(ph.funcAt(h.Lock.Line), h.Mutex) != own {
			continue // only the same field of the same type is the same lock for certain
		}
		j := holderFrame(g.Stack.Frames, from+1, h, ph)
		if j <= from || j-from > maxLockedChain {
			continue
		}
		if c := s.lockedVariant(g.Stack.Frames[from:j+1], mu, h.Mutex); c != nil {
			cands = append(cands, c)
		}
	}
	return cands
}

// mutexField is a mutex expression without its first name, which is a
// receiver or variable whose name differs between functions: "le.mu" and
// "l.mu" are both ".mu", "c" is "".
func mutexField(x string) string { return fixrule.Field(x) }

// rootType is the type name of the variable a mutex expression starts
// from, when it is the receiver or a parameter of fn ("lessor" for le.mu
// in a method of *lessor); "" when the syntax does not say.
func rootType(fn ast.Node, x string) string {
	root, _, _ := strings.Cut(x, ".")
	var lists []*ast.FieldList
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		lists = append(lists, fn.Recv, fn.Type.Params)
	case *ast.FuncLit:
		lists = append(lists, fn.Type.Params)
	}
	for _, l := range lists {
		if l == nil {
			continue
		}
		for _, field := range l.List {
			for _, n := range field.Names {
				if n.Name != root {
					continue
				}
				t := field.Type
				if st, ok := t.(*ast.StarExpr); ok {
					t = st.X
				}
				if id, ok := t.(*ast.Ident); ok {
					return id.Name
				}
				return ""
			}
		}
	}
	return ""
}

// lockedVariant builds the candidate for one chain of frames: chain[0]
// takes mu again, chain[len-1] holds it as held.
func (s *session) lockedVariant(chain []profile.Frame, mu, held string) *candidate {
	files := map[string]*parsedFile{}
	parsed := func(name string) *parsedFile {
		if p, ok := files[name]; ok {
			return p
		}
		files[name] = parseFile(name)
		return files[name]
	}
	n := len(chain) - 1
	decls := make([]*ast.FuncDecl, n)
	names := make([]string, n)
	for k := range n {
		if !s.inModule(chain[k].File) {
			return nil
		}
		p := parsed(chain[k].File)
		if p == nil {
			return nil
		}
		fd, ok := p.funcAt(chain[k].Line).(*ast.FuncDecl)
		if !ok || slices.Contains(decls, fd) {
			return nil
		}
		decls[k], names[k] = fd, fd.Name.Name+"Locked"
		if declared(chain[k].File, names[k]) {
			return nil
		}
	}
	var edits []report.Edit
	for k := range n {
		p := parsed(chain[k].File)
		fd := decls[k]
		var local []report.Edit // offsets in p.src
		local = append(local, replaceIdent(p, fd.Name, names[k]))
		if k == 0 {
			removed := 0
			ast.Inspect(fd.Body, func(nd ast.Node) bool {
				if _, ok := nd.(*ast.FuncLit); ok {
					return false
				}
				st, ok := nd.(ast.Stmt)
				if !ok {
					return true
				}
				if x, m := methodCall(st); x == mu && slices.Contains([]string{"Lock", "RLock", "Unlock", "RUnlock"}, m) {
					local = append(local, p.deleteStmt(st))
					removed++
				}
				return true
			})
			if removed == 0 {
				return nil
			}
		} else {
			id := callAt(p.stmtAt(fd, chain[k].Line), decls[k-1].Name.Name)
			if id == nil {
				return nil
			}
			local = append(local, replaceIdent(p, id, names[k-1]))
		}
		start, end := p.offset(fd.Pos()), p.offset(fd.End())
		body, err := report.ApplyEdits(p.src, local)
		if err != nil {
			return nil
		}
		grown := len(body) - len(p.src)
		variant := string(body[start : end+grown])
		doc := fmt.Sprintf("\n\n// %s is %s for a caller that already holds %s: it does not lock it again.\n", names[k], fd.Name.Name, mu)
		line := p.line(fd.End())
		edits = append(edits, report.Edit{File: p.name, Start: end, End: end, Line: line, EndLine: line, New: doc + variant})
	}
	holder := chain[n]
	p := parsed(holder.File)
	if p == nil {
		return nil
	}
	fn := p.funcAt(holder.Line)
	if fd, ok := fn.(*ast.FuncDecl); ok && slices.Contains(decls, fd) {
		return nil // recursion: the holder is one of the variants
	}
	id := callAt(p.stmtAt(fn, holder.Line), decls[n-1].Name.Name)
	if id == nil {
		return nil
	}
	edits = append(edits, replaceIdent(p, id, names[n-1]))
	return &candidate{
		summary: fmt.Sprintf("call %s, a variant of %s that expects %s held, where %s already holds it (%s:%d)",
			names[n-1], decls[n-1].Name.Name, mu, held, filepath.Base(holder.File), holder.Line),
		from:  speculativeFrom,
		edits: uniqueEdits(edits),
		lines: []string{fmt.Sprintf("%s(…) → %s(…)", decls[n-1].Name.Name, names[n-1]), "+ func " + strings.Join(names, ", ")},
	}
}

// replaceIdent is the edit that renames the identifier id to name.
func replaceIdent(p *parsedFile, id *ast.Ident, name string) report.Edit {
	start, end, line := p.offset(id.Pos()), p.offset(id.End()), p.line(id.Pos())
	return report.Edit{File: p.name, Start: start, End: end, Line: line, EndLine: line, Old: id.Name, New: name}
}

// deleteStmt is the edit that removes st: its whole line when it stands
// alone on it, else only its text.
func (p *parsedFile) deleteStmt(st ast.Stmt) report.Edit {
	start, end := p.offset(st.Pos()), p.offset(st.End())
	first, last := p.line(st.Pos()), p.line(st.End())
	rest, _, _ := strings.Cut(string(p.src[end:]), "\n")
	if t := strings.TrimSpace(rest); t != "" && !strings.HasPrefix(t, "//") {
		return report.Edit{File: p.name, Start: start, End: end, Line: first, EndLine: last, Old: string(p.src[start:end])}
	}
	if _, ok := p.indentOf(st); ok && end+len(rest) < len(p.src) {
		// The statement and its comment stand alone on their lines: the
		// lines go.
		start = strings.LastIndexByte(string(p.src[:start]), '\n') + 1
		end += len(rest) + 1
	}
	return report.Edit{File: p.name, Start: start, End: end, Line: first, EndLine: last, Old: string(p.src[start:end])}
}

// declared reports whether a function or method named name is declared
// in the package of file (its directory's files).
func declared(file, name string) bool {
	others, err := filepath.Glob(filepath.Join(filepath.Dir(file), "*.go"))
	if err != nil {
		return true
	}
	for _, o := range others {
		p := parseFile(o)
		if p == nil {
			continue
		}
		for _, d := range p.f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name {
				return true
			}
		}
	}
	return false
}
