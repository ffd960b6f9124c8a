package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitCommand runs "leakhound init ./..." twice in a copy of the
// adopt package's fixture module: the first run lists each file it wrote
// and the package it had nothing to do for is not listed; the second
// changes nothing and says so.
func TestInitCommand(t *testing.T) {
	src := filepath.Join("..", "..", "internal", "adopt", "testdata", "shop")
	dir := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	tests := []struct {
		name string
		want []string
	}{
		{"first", []string{
			"created cart/leakhound_main_test.go",
			"created fetch/leakhound_main_test.go",
			"created store/leakhound_main_test.go",
			"edited  store/main_test.go",
		}},
		{"again", []string{"leakhound init: nothing to change"}},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"init", "./..."}, nil, &stdout, &stderr); code != exitOK {
			t.Fatalf("%s run: exit %d\n%s", tt.name, code, stderr.String())
		}
		if got := strings.Split(strings.TrimSpace(stdout.String()), "\n"); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s run printed\n%s\nwant\n%s", tt.name, stdout.String(), strings.Join(tt.want, "\n"))
		}
	}
}
