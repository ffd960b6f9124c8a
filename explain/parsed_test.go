package explain

import (
	"fmt"
	"go/ast"
	"path/filepath"
	"sync"
	"testing"
)

// TestParseFileShared checks the process's cache of parsed files: the same
// text is parsed once and shared, changed text is parsed again, and
// parallel reports may ask for one file at once.
func TestParseFileShared(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.go")
	a := []byte("package shared\n\nfunc A() {}\n")
	c := newParseCache(maxParsedFiles)
	first, err := c.parse(path, a)
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.parse(path, append([]byte(nil), a...))
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Error("the same text was parsed twice")
	}
	changed, err := c.parse(path, []byte("package shared\n\nfunc B() {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if name := changed.ast.Decls[0].(*ast.FuncDecl).Name.Name; name != "B" {
		t.Errorf("changed text: the syntax declares %s, want B", name)
	}
	if _, err := c.parse(path, []byte("package shared\n\nfunc {")); err == nil {
		t.Error("text that does not parse gave no error")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if p, err := c.parse(path, a); err != nil || p.tok.LineCount() != 3 {
				t.Errorf("parallel parse: %v", err)
			}
		})
	}
	wg.Wait()
}

// TestParseFileBounded fills a cache and checks that files past its
// bound are still parsed, each with a FileSet of its own, and not kept.
func TestParseFileBounded(t *testing.T) {
	dir := t.TempDir()
	src := []byte("package p\n")
	const bound = 16
	c := newParseCache(bound)
	for i := range bound {
		if _, err := c.parse(filepath.Join(dir, fmt.Sprintf("f%d.go", i)), src); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "past.go")
	p, err := c.parse(path, src)
	if err != nil {
		t.Fatal(err)
	}
	if p.fset == c.fset {
		t.Error("a file past the bound was added to the shared FileSet")
	}
	if q, _ := c.parse(path, src); q == p {
		t.Error("a file past the bound was kept")
	}
	if n := len(c.files); n != bound {
		t.Errorf("%d files kept, want %d", n, bound)
	}
}
