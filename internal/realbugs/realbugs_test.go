package realbugs

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/editverify"
)

// TestRegistry checks that the case directories, the registry and the
// truth files agree, and that each truth's positions point at what they
// claim: the creator at a go statement, the block and partner at
// statements of the case's own file.
func TestRegistry(t *testing.T) {
	cases := Cases()
	if len(cases) < 25 {
		t.Errorf("%d cases, want at least 25", len(cases))
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		// A case is a directory with a leak.go (runcase and testdata are
		// not cases).
		if _, err := os.Stat(filepath.Join(e.Name(), "leak.go")); e.IsDir() && err == nil {
			dirs = append(dirs, e.Name())
		}
	}
	var names []string
	for _, c := range cases {
		names = append(names, c.Name)
	}
	if !slices.Equal(dirs, names) {
		t.Errorf("case directories %v, registered cases %v", dirs, names)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			tr := c.Truth
			if !strings.HasPrefix(tr.Source, "https://github.com/"+tr.Project+"/") {
				t.Errorf("source %q is not a page of %s", tr.Source, tr.Project)
			}
			if tr.Summary == "" || tr.Fix == "" {
				t.Error("summary or fix missing")
			}
			fset := token.NewFileSet()
			file := c.Abs(tr.Block)
			f, err := parser.ParseFile(fset, file, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(f.Doc.Text(), tr.Source) {
				t.Errorf("the package doc of %s does not cite %s", file, tr.Source)
			}
			stmtAt := func(p Pos) ast.Node {
				var found ast.Node
				ast.Inspect(f, func(n ast.Node) bool {
					if found == nil && n != nil && fset.Position(n.Pos()).Line == p.Line {
						if _, ok := n.(ast.Stmt); ok {
							found = n
						}
						if _, ok := n.(*ast.CommClause); ok {
							found = n
						}
					}
					return found == nil
				})
				return found
			}
			for _, p := range []*Pos{&tr.Block, tr.Partner, &tr.Creator} {
				if p != nil && (p.File != tr.Block.File || stmtAt(*p) == nil) {
					t.Errorf("no statement at %s", p)
				}
			}
			if _, ok := stmtAt(tr.Creator).(*ast.GoStmt); !ok {
				t.Errorf("creator %s is not a go statement", tr.Creator)
			}
		})
	}
}

// TestLeaks checks each truth's leak without leakhound: after Run, a
// goroutine Run started is parked at exactly the truth's blocking line,
// and the go statement that created it is the truth's creator.
func TestLeaks(t *testing.T) {
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			capt, err := c.Leak(10 * time.Second)
			if err != nil {
				t.Fatal(err)
			}
			byID := make(map[int64]Goroutine)
			for _, g := range ParseStacks(capt.Dump) {
				byID[g.ID] = g
			}
			creator := c.Abs(c.Truth.Creator)
			var created []string
			for _, id := range capt.Blocked {
				g := byID[id]
				if g.CreatedBy != nil && g.CreatedBy.File == creator && g.CreatedBy.Line == c.Truth.Creator.Line {
					return
				}
				if g.CreatedBy != nil {
					created = append(created, g.CreatedBy.File+":"+itoa(g.CreatedBy.Line))
				}
			}
			t.Errorf("the goroutines blocked at %s were created at %v, not at %s", c.Truth.Block, created, c.Truth.Creator)
		})
	}
}

// TestFixes applies each case's fix.patch through a build overlay, runs
// the case in a process of its own and checks every goroutine it started
// ended (one build holds every patch: the cases share no file); a case
// run without its patch must still be reported leaking.
func TestFixes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the runcase program")
	}
	r := newRunner(t, 10*time.Second)
	fixed := make(map[string]map[string][]byte)
	for _, c := range Cases() {
		files, err := c.Fixed()
		if err != nil {
			t.Fatal(err)
		}
		fixed[c.Name] = files
	}
	results, errs := r.TryEach(fixed)
	for _, c := range Cases() {
		t.Run(c.Name, func(t *testing.T) {
			if err := errs[c.Name]; err != nil {
				t.Fatal(err)
			}
			if res := results[c.Name]; !res.Clean {
				t.Errorf("with fix.patch applied the case still leaves goroutines:\n%s", res.Left)
			}
		})
	}
	t.Run("unpatched", func(t *testing.T) {
		c := Cases()[0]
		short := *r
		short.Limit = time.Second
		res, err := short.Try(c.Name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Clean {
			t.Errorf("%s without its fix ran clean: the runner cannot see a leak", c.Name)
		}
	})
}

func newRunner(t *testing.T, limit time.Duration) *Runner {
	t.Helper()
	goCmd, _, err := editverify.GoCommand()
	if err != nil {
		t.Skip(err)
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	return &Runner{GoCmd: goCmd, Dir: dir, Tmp: t.TempDir(), Limit: limit}
}

func itoa(n int) string { return Pos{Line: n}.String()[1:] }

// TestTryEachBlamesTheBrokenCase checks that a change that does not build
// fails its own case only: the others are built again without it.
func TestTryEachBlamesTheBrokenCase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the runcase program")
	}
	cases := Cases()
	good, bad := cases[0], cases[1]
	fixed, err := good.Fixed()
	if err != nil {
		t.Fatal(err)
	}
	broken := map[string][]byte{bad.Abs(bad.Truth.Block): []byte("package broken\n\nfunc Run() { undefined() }\n")}
	results, errs := newRunner(t, 10*time.Second).TryEach(map[string]map[string][]byte{good.Name: fixed, bad.Name: broken})
	if errs[good.Name] != nil || !results[good.Name].Clean {
		t.Errorf("%s with its fix: %+v, %v; want clean", good.Name, results[good.Name], errs[good.Name])
	}
	if errs[bad.Name] == nil || !strings.Contains(errs[bad.Name].Error(), "undefined") {
		t.Errorf("%s with a file that does not build: error %v, want the build's", bad.Name, errs[bad.Name])
	}
}
