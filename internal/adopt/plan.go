package adopt

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
)

// FileName is the file adopt adds to each package with tests.
const FileName = "leakhound_main_test.go"

// LeakcheckPath is the import path of the package the added files call.
const LeakcheckPath = "github.com/leakhound/leakhound/leakcheck"

// runFunc is the function of the added file that a package's own TestMain
// calls in place of m.Run; wrapType is the type whose Run calls it, handed
// to a checker that runs m itself.
const (
	runFunc  = "leakhoundRun"
	wrapType = "leakhoundM"
)

// Change is one file adopt writes: a new one or a new version of one.
type Change struct {
	Path    string
	Content []byte
	Created bool
}

// Plan is what adopt does to one package.
type Plan struct {
	ImportPath string
	// Changes are the files to write; none when the package is already
	// checked or cannot be.
	Changes []Change
	// Checked reports whether the package's tests run under leak checking
	// once Changes are written.
	Checked bool
	// How says in a few words how the package is (or is not) checked.
	How string
}

// Hows of a plan, one home for words the command prints and tests read.
// HowNoTests, a package go test has nothing to run in, is the one the
// command leaves out of its lists.
const (
	howAdded     = "TestMain added"
	howWrapped   = "its TestMain's m.Run runs under VerifyTestMain"
	howAlready   = "already checked"
	howNoRun     = "left unchecked: its TestMain neither calls m.Run nor hands m to a VerifyTestMain; call leakcheck.VerifyTestMain there by hand"
	howForeign   = "left unchecked: " + FileName + " exists and is not leakhound's; remove or rename it"
	HowNoTests   = "no test files"
	howNoPackage = "left unchecked: the package's name is unknown"
)

// PlanPackage decides what to write into p so that its tests run under
// leakcheck.VerifyTestMain. It reads p's test files.
func PlanPackage(p *Package) (Plan, error) {
	pl := Plan{ImportPath: p.ImportPath}
	if !p.hasTests() {
		pl.How = HowNoTests
		return pl, nil
	}
	fset := token.NewFileSet()
	var (
		main     *ast.FuncDecl
		mainFile *ast.File
		mainPath string
		ours     []byte // the existing FileName, if any
		xtest    string // the external test package's name
	)
	for _, path := range p.testFiles() {
		src, err := os.ReadFile(path)
		if err != nil {
			return pl, fmt.Errorf("reading %s: %w", path, err)
		}
		if filepath.Base(path) == FileName {
			ours = src
		}
		f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return pl, fmt.Errorf("parsing %s: %w", path, err)
		}
		if name := f.Name.Name; name != p.Name {
			xtest = name
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "TestMain" {
				main, mainFile, mainPath = fn, f, path
			}
		}
	}
	pkgName := p.Name
	if len(p.GoFiles)+len(p.CgoFiles)+len(p.TestGoFiles) == 0 && xtest != "" {
		pkgName = xtest
	}
	if pkgName == "" {
		pl.How = howNoPackage
		return pl, nil
	}
	target := filepath.Join(p.Dir, FileName)
	// want adds the generated file unless it is there already; a file of
	// that name with other content is the user's and stays.
	want := func(content []byte) bool {
		switch {
		case ours == nil:
			pl.Changes = append(pl.Changes, Change{Path: target, Content: content, Created: true})
		case !bytes.Equal(ours, content):
			pl.How = howForeign
			return false
		}
		return true
	}
	switch {
	case main == nil:
		if want(mainSource(pkgName)) {
			pl.Checked, pl.How = true, howAdded
		}
	case mainPath == target:
		pl.Checked, pl.How = bytes.Equal(ours, mainSource(mainFile.Name.Name)), howAlready
		if !pl.Checked {
			pl.How = howForeign
		}
	case callsVerifyTestMain(main, mainFile):
		pl.Checked, pl.How = true, howAlready
	default:
		src, err := os.ReadFile(mainPath)
		if err != nil {
			return pl, fmt.Errorf("reading %s: %w", mainPath, err)
		}
		edited, n, err := wrapRun(fset, mainFile, main, src)
		if err != nil {
			return pl, fmt.Errorf("editing the TestMain of %s: %w", mainPath, err)
		}
		if n == 0 && !callsFunc(main, runFunc) && !mentions(main, wrapType) {
			pl.How = howNoRun
			return pl, nil
		}
		if !want(runSource(mainFile.Name.Name)) {
			return pl, nil
		}
		if n > 0 {
			pl.Changes = append(pl.Changes, Change{Path: mainPath, Content: edited})
		}
		pl.Checked, pl.How = true, howWrapped+" ("+filepath.Base(mainPath)+")"
		if n == 0 && ours != nil {
			pl.How = howAlready
		}
	}
	sort.Slice(pl.Changes, func(i, j int) bool { return pl.Changes[i].Path < pl.Changes[j].Path })
	return pl, nil
}

// mainSource is the file added to a package without a TestMain.
func mainSource(pkg string) []byte {
	return mustFormat(`package ` + pkg + `

import (
	"testing"

	"` + LeakcheckPath + `"
)

// TestMain fails the package's tests when a goroutine outlives them, and
// names the test that started it. Written by leakhound init.
func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}
`)
}

// runSource is the file added to a package with its own TestMain, whose
// m.Run becomes a call of runFunc.
func runSource(pkg string) []byte {
	return mustFormat(`package ` + pkg + `

import (
	"testing"

	"` + LeakcheckPath + `"
)

// ` + runFunc + ` runs the tests as m.Run does, then fails them when a
// goroutine outlives them, naming the test that started it, and returns
// the exit code. TestMain calls it in place of m.Run. Written by leakhound
// init.
func ` + runFunc + `(m *testing.M) (code int) {
	leakcheck.VerifyTestMain(m, leakcheck.Cleanup(func(c int) { code = c }))
	return code
}

// ` + wrapType + ` is m for a checker that runs the tests itself (such as
// goleak.VerifyTestMain): its Run is ` + runFunc + `.
type ` + wrapType + ` struct{ m *testing.M }

// Run runs the tests under VerifyTestMain and returns the exit code.
func (w ` + wrapType + `) Run() int { return ` + runFunc + `(w.m) }
`)
}

func mustFormat(src string) []byte {
	b, err := format.Source([]byte(src))
	if err != nil {
		panic(fmt.Sprintf("adopt: generated source does not parse: %v", err))
	}
	return b
}

// wrapRun replaces each m.Run() in TestMain (m its parameter) with
// runFunc(m), and m in each call of another checker's VerifyTestMain
// (goleak's: VerifyTestMain(m, opts...), which runs m.Run itself) with
// wrapType{m}, whose Run is runFunc; it returns the file (gofmt'd when it
// was) and how many places it replaced.
func wrapRun(fset *token.FileSet, f *ast.File, main *ast.FuncDecl, src []byte) ([]byte, int, error) {
	param := mParam(main)
	if param == "" {
		return src, 0, nil
	}
	type span struct {
		from, to int
		with     string
	}
	var spans []span
	isParam := func(e ast.Expr) bool {
		id, ok := e.(*ast.Ident)
		return ok && id.Name == param
	}
	ast.Inspect(main.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		switch {
		case !ok:
		case sel.Sel.Name == "Run" && len(call.Args) == 0 && isParam(sel.X):
			spans = append(spans, span{fset.Position(call.Pos()).Offset, fset.Position(call.End()).Offset, runFunc + "(" + param + ")"})
		case sel.Sel.Name == "VerifyTestMain" && len(call.Args) > 0 && isParam(call.Args[0]):
			arg := call.Args[0]
			spans = append(spans, span{fset.Position(arg.Pos()).Offset, fset.Position(arg.End()).Offset, wrapType + "{" + param + "}"})
		}
		return true
	})
	if len(spans) == 0 {
		return src, 0, nil
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	var out bytes.Buffer
	last := 0
	for _, s := range spans {
		out.Write(src[last:s.from])
		out.WriteString(s.with)
		last = s.to
	}
	out.Write(src[last:])
	// The edits keep the file's layout; gofmt it only when it was gofmt'd,
	// so a file that was not does not change on lines nobody asked for.
	if orig, err := format.Source(src); err != nil || !bytes.Equal(orig, src) {
		if _, err := parser.ParseFile(token.NewFileSet(), "", out.Bytes(), parser.SkipObjectResolution); err != nil {
			return nil, 0, err
		}
		return out.Bytes(), len(spans), nil
	}
	formatted, err := format.Source(out.Bytes())
	if err != nil {
		return nil, 0, err
	}
	return formatted, len(spans), nil
}

// mParam returns the name of TestMain's *testing.M parameter, "" if none.
func mParam(main *ast.FuncDecl) string {
	ps := main.Type.Params.List
	if len(ps) != 1 || len(ps[0].Names) != 1 {
		return ""
	}
	if name := ps[0].Names[0].Name; name != "_" {
		return name
	}
	return ""
}

// callsVerifyTestMain reports whether TestMain calls leakcheck's
// VerifyTestMain, by whatever name the file imports it.
func callsVerifyTestMain(main *ast.FuncDecl, f *ast.File) bool {
	local := ""
	for _, imp := range f.Imports {
		if path, _ := strconv.Unquote(imp.Path.Value); path == LeakcheckPath {
			local = "leakcheck"
			if imp.Name != nil {
				local = imp.Name.Name
			}
		}
	}
	if local == "" {
		return false
	}
	found := false
	ast.Inspect(main.Body, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "VerifyTestMain" {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == local {
				found = true
			}
		}
		return !found
	})
	return found
}

// callsFunc reports whether fn's body calls the function named name.
func callsFunc(fn *ast.FuncDecl, name string) bool {
	found := false
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == name {
				found = true
			}
		}
		return !found
	})
	return found
}

// mentions reports whether name appears as an identifier in fn's body.
func mentions(fn *ast.FuncDecl, name string) bool {
	found := false
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			found = true
		}
		return !found
	})
	return found
}
