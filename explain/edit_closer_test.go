package explain

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// TestCloserCallEdits checks the "call the closer" edit: the goroutine a
// Pool's Close would release gets the call where the package under test
// creates the Pool — t.Cleanup in a test, defer elsewhere — and a Pool
// handed to the caller gets the reason instead.
func TestCloserCallEdits(t *testing.T) {
	const pool = `package pool

import "time"

type Pool struct{ stop chan struct{} }

func New() *Pool {
	p := &Pool{stop: make(chan struct{})}
	go p.loop() // go:loop
	return p
}

func (p *Pool) loop() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select { // mark:loop
		case <-t.C:
		case <-p.stop:
			return
		}
	}
}

func (p *Pool) Close() { close(p.stop) }
`
	tests := []struct {
		name, use string
		want      []string
		noEdit    string
	}{
		{"in a test", "package pool\n\nimport \"testing\"\n\nfunc TestPool(t *testing.T) {\n\tp := New()\n\tif p == nil {\n\t\tt.Fatal(\"no pool\")\n\t}\n}\n",
			[]string{"+ t.Cleanup(func() { p.Close() })"}, ""},
		{"in a function", "package pool\n\nfunc run() {\n\tworkers := &Pool{stop: make(chan struct{})}\n\tgo workers.loop()\n}\n",
			nil, "workers is used by the goroutine started at workers.loop"},
		{"returned", "package pool\n\nfunc shared() *Pool {\n\tp := New()\n\treturn p\n}\n",
			nil, "p is returned, so its owner is elsewhere and must call Close"},
		// Only New's own p is left, which it returns.
		{"closed already", "package pool\n\nfunc use() {\n\tp := New()\n\tdefer p.Close()\n}\n",
			nil, "no place to add Close(): line 8: p is used by the goroutine started at p.loop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, path := writePoolModule(t, pool, tt.use)
			at := func(mark string) int { return markedLine(t, pool, mark) }
			g := &profile.Goroutine{ID: 1, State: "select",
				Frames:    []profile.Frame{{Func: "example.com/m/pool.(*Pool).loop", File: path, Line: at("// mark:loop")}},
				CreatedBy: &profile.Frame{Func: "example.com/m/pool.New", File: path, Line: at("// go:loop")}}
			rep := explained([]report.Leak{{Goroutine: g}}, report.Options{Package: "example.com/m/pool", ModuleRoot: root}, Options{})
			d := rep.Groups[0].Diagnosis
			if d.PatternID != report.PatternNeverClosed {
				t.Fatalf("pattern %s (%s), want %s", d.PatternID, d.Summary, report.PatternNeverClosed)
			}
			checkSuggestion(t, d, tt.want, tt.noEdit)
		})
	}
}

// TestCloserEditsInLeakingTest checks that the closer call goes only
// where the tests that leaked create the owner, directly or through a
// helper they call (a subtest runs in its top-level test), and everywhere
// the package does when the group names no test of the package: a real
// package creates its owners in many tests, and an edit in a test that
// did not leak changes code the failing test never ran.
func TestCloserEditsInLeakingTest(t *testing.T) {
	const pool = `package pool

type Pool struct{ stop chan struct{} }

func New() *Pool {
	p := &Pool{stop: make(chan struct{})}
	go p.loop() // go:loop
	return p
}

func (p *Pool) loop() {
	<-p.stop // mark:loop
}

func (p *Pool) Close() { close(p.stop) }
`
	const use = `package pool

import "testing"

func TestDirect(t *testing.T) {
	p := New() // site:direct
	if p == nil {
		t.Fatal("no pool")
	}
}

func withPool(t *testing.T) {
	p := New() // site:helper
	if p == nil {
		t.Fatal("no pool")
	}
}

func TestHelper(t *testing.T) {
	t.Run("sub", func(t *testing.T) { withPool(t) })
}

func TestOther(t *testing.T) {
	p := New() // site:other
	if p == nil {
		t.Fatal("no pool")
	}
}
`
	tests := []struct {
		name, test string
		sites      []string // the marks whose next line gets the call
	}{
		{"the test itself", "TestDirect", []string{"site:direct"}},
		{"a helper of a subtest", "TestHelper/sub", []string{"site:helper"}},
		{"no test named", "", []string{"site:direct", "site:helper", "site:other"}},
		{"a test of no file here", "TestElsewhere", []string{"site:direct", "site:helper", "site:other"}},
		// In a file where nothing creates the owner, through the helper.
		{"a test in another file", "TestFar", []string{"site:helper"}},
	}
	const far = `package pool

import "testing"

func TestFar(t *testing.T) { withPool(t) }
`
	root, path := writePoolModule(t, pool, use, far)
	lineOf := func(src, mark string) int { return markedLine(t, src, mark) }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &profile.Goroutine{ID: 1, State: "chan receive",
				Frames:    []profile.Frame{{Func: "example.com/m/pool.(*Pool).loop", File: path, Line: lineOf(pool, "// mark:loop")}},
				CreatedBy: &profile.Frame{Func: "example.com/m/pool.New", File: path, Line: lineOf(pool, "// go:loop")}}
			rep := explained([]report.Leak{{Goroutine: g, Test: tt.test}}, report.Options{Package: "example.com/m/pool", ModuleRoot: root}, Options{})
			s := rep.Groups[0].Diagnosis.Suggestion
			if s == nil {
				t.Fatalf("no edit: %s", rep.Groups[0].Diagnosis.NoEdit)
			}
			var got, want []int
			for _, e := range s.Edits {
				got = append(got, e.Line)
			}
			for _, m := range tt.sites {
				want = append(want, lineOf(use, m)+1) // the call goes on the line after the site
			}
			if !slices.Equal(got, want) {
				t.Errorf("edits at lines %v of use_test.go, want %v\n%s", got, want, s.Summary)
			}
		})
	}
}

// TestCloserEditGeneric checks that an owner of a generic type is found
// where the code creates it: through a generic constructor, instantiated
// or inferred, and through a helper of the tests returning it.
func TestCloserEditGeneric(t *testing.T) {
	const pool = `package pool

type Pool[T any] struct{ stop chan struct{} }

func New[T any]() (*Pool[T], error) {
	p := &Pool[T]{stop: make(chan struct{})}
	go p.loop() // go:loop
	return p, nil
}

func (p *Pool[T]) loop() {
	<-p.stop // mark:loop
}

func (p *Pool[T]) Close() { close(p.stop) }
`
	const use = `package pool

import "testing"

func newPool(t *testing.T) *Pool[string] {
	p, err := New[string]()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPool(t *testing.T) {
	p := newPool(t) // site:helper
	q, err := New[int]() // site:inferred
	if err != nil {
		t.Fatal(err)
	}
	if p == nil || q == nil {
		t.Fatal("no pool")
	}
}
`
	root, path := writePoolModule(t, pool, use)
	lineOf := func(src, mark string) int { return markedLine(t, src, mark) }
	g := &profile.Goroutine{ID: 1, State: "chan receive",
		Frames:    []profile.Frame{{Func: "example.com/m/pool.(*Pool[...]).loop", File: path, Line: lineOf(pool, "// mark:loop")}},
		CreatedBy: &profile.Frame{Func: "example.com/m/pool.New[...]", File: path, Line: lineOf(pool, "// go:loop")}}
	rep := explained([]report.Leak{{Goroutine: g, Test: "TestPool"}}, report.Options{Package: "example.com/m/pool", ModuleRoot: root}, Options{})
	s := rep.Groups[0].Diagnosis.Suggestion
	if s == nil {
		t.Fatalf("no edit: %s", rep.Groups[0].Diagnosis.NoEdit)
	}
	var got []int
	for _, e := range s.Edits {
		got = append(got, e.Line)
	}
	// After the helper's p, and after the error check of q.
	if want := []int{lineOf(use, "site:helper") + 1, lineOf(use, "site:inferred") + 4}; !slices.Equal(got, want) {
		t.Errorf("edits at lines %v, want %v\n%s\n%v", got, want, s.Summary, s.Lines)
	}
}

// writePoolModule writes the module example.com/m with the package pool
// of pool.go and, for tests, use_test.go, use1_test.go and on; it returns
// its root and pool.go's path.
func writePoolModule(t *testing.T, pool string, tests ...string) (root, path string) {
	t.Helper()
	root = t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "pool"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"go.mod": "module example.com/m\n\ngo 1.26\n", "pool/pool.go": pool}
	for i, src := range tests {
		name := "pool/use_test.go"
		if i > 0 {
			name = fmt.Sprintf("pool/use%d_test.go", i)
		}
		files[name] = src
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root, filepath.Join(root, "pool", "pool.go")
}

// markedLine returns the 1-based line of src holding mark.
func markedLine(t *testing.T, src, mark string) int {
	t.Helper()
	i := slices.IndexFunc(strings.Split(src, "\n"), func(l string) bool { return strings.Contains(l, mark) })
	if i < 0 {
		t.Fatalf("no %q in the source", mark)
	}
	return i + 1
}
