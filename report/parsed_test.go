package report

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
	first, err := parseFile(path, a)
	if err != nil {
		t.Fatal(err)
	}
	again, err := parseFile(path, append([]byte(nil), a...))
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Error("the same text was parsed twice")
	}
	changed, err := parseFile(path, []byte("package shared\n\nfunc B() {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if name := changed.ast.Decls[0].(*ast.FuncDecl).Name.Name; name != "B" {
		t.Errorf("changed text: the syntax declares %s, want B", name)
	}
	if _, err := parseFile(path, []byte("package shared\n\nfunc {")); err == nil {
		t.Error("text that does not parse gave no error")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if p, err := parseFile(path, a); err != nil || p.tok.LineCount() != 3 {
				t.Errorf("parallel parse: %v", err)
			}
		})
	}
	wg.Wait()
}

// TestParseFileBounded fills the cache and checks that files past its
// bound are still parsed, each with a FileSet of its own, and not kept.
// (It leaves this test process's cache full; later parses are correct,
// only not shared.)
func TestParseFileBounded(t *testing.T) {
	dir := t.TempDir()
	src := []byte("package p\n")
	for i := 0; ; i++ {
		parsed.mu.Lock()
		full := parsed.added >= maxParsedFiles
		parsed.mu.Unlock()
		if full {
			break
		}
		if _, err := parseFile(filepath.Join(dir, fmt.Sprintf("f%d.go", i)), src); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "past.go")
	p, err := parseFile(path, src)
	if err != nil {
		t.Fatal(err)
	}
	if p.fset == parsed.fset {
		t.Error("a file past the bound was added to the shared FileSet")
	}
	if q, _ := parseFile(path, src); q == p {
		t.Error("a file past the bound was kept")
	}
	parsed.mu.Lock()
	n := len(parsed.files)
	parsed.mu.Unlock()
	if n > maxParsedFiles {
		t.Errorf("%d files kept, more than %d", n, maxParsedFiles)
	}
}
