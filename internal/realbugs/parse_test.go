package realbugs

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestApplyPatch(t *testing.T) {
	files := map[string]string{"a.go": "one\ntwo\nthree\nfour\n"}
	read := func(name string) ([]byte, error) {
		s, ok := files[name]
		if !ok {
			return nil, errors.New("no such file")
		}
		return []byte(s), nil
	}
	tests := []struct {
		name, patch, want, err string
	}{
		{"replace", "--- a/a.go\n+++ b/a.go\n@@ -2,2 +2,2 @@\n two\n-three\n+THREE\n", "one\ntwo\nTHREE\nfour\n", ""},
		{"insert and delete", "--- a/a.go\n+++ b/a.go\n@@ -1,2 +1,2 @@\n+zero\n one\n-two\n", "zero\none\nthree\nfour\n", ""},
		{"two hunks", "--- a/a.go\n+++ b/a.go\n@@ -1 +1 @@\n-one\n+1\n@@ -4 +4 @@\n-four\n+4\n", "1\ntwo\nthree\n4\n", ""},
		{"context differs", "--- a/a.go\n+++ b/a.go\n@@ -2,1 +2,1 @@\n-deux\n+2\n", "", `expects "deux"`},
		{"hunk past the end", "--- a/a.go\n+++ b/a.go\n@@ -9,1 +9,1 @@\n-x\n+y\n", "", "past the end"},
		{"hunks out of order", "--- a/a.go\n+++ b/a.go\n@@ -3 +3 @@\n-three\n+3\n@@ -1 +1 @@\n-one\n+1\n", "", "bad hunk header"},
		{"missing file", "--- a/b.go\n+++ b/b.go\n@@ -1 +1 @@\n-x\n+y\n", "", "no such file"},
		{"no file", "just text\n", "", "changes no file"},
		{"hunk before header", "@@ -1 +1 @@\n-one\n+1\n", "", "before a +++ header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ApplyPatch([]byte(tt.patch), read)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(slices.Collect(maps.Keys(got)), []string{"a.go"}) || string(got["a.go"]) != tt.want {
				t.Errorf("got %q, want a.go = %q", got, tt.want)
			}
		})
	}
}

func FuzzApplyPatch(f *testing.F) {
	f.Add([]byte("--- a/a.go\n+++ b/a.go\n@@ -2,2 +2,2 @@\n two\n-three\n+THREE\n"), []byte("one\ntwo\nthree\n"))
	f.Add([]byte("+++ b/a.go\n@@ -0,0 +1 @@\n+x\n"), []byte(""))
	f.Fuzz(func(t *testing.T, patch, src []byte) {
		out, err := ApplyPatch(patch, func(string) ([]byte, error) { return src, nil })
		if err == nil && len(out) == 0 {
			t.Error("no error and no file")
		}
	})
}

func TestParseStacks(t *testing.T) {
	dump := "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:10 +0x1d\n\n" +
		"goroutine 7 [chan send, 3 minutes]:\nexample.com/p.worker(0xc000010000)\n\t/src/p/w.go:21 +0x25\n" +
		"example.com/p.run.func1()\n\t/src/p/w.go:30\ncreated by example.com/p.run in goroutine 1\n\t/src/p/w.go:29 +0x4f\n\n" +
		"goroutine x [select]:\nbroken\n"
	got := ParseStacks([]byte(dump))
	if len(got) != 2 {
		t.Fatalf("%d goroutines, want 2: %+v", len(got), got)
	}
	main, w := got[0], got[1]
	if main.ID != 1 || main.State != "running" || main.Waiting() || len(main.Frames) != 1 || main.CreatedBy != nil {
		t.Errorf("goroutine 1: %+v", main)
	}
	if w.ID != 7 || w.State != "chan send" || !w.Waiting() {
		t.Errorf("goroutine 7 header: %+v", w)
	}
	want := []Frame{{"example.com/p.worker(0xc000010000)", "/src/p/w.go", 21}, {"example.com/p.run.func1()", "/src/p/w.go", 30}}
	if !slices.Equal(w.Frames, want) {
		t.Errorf("frames %+v, want %+v", w.Frames, want)
	}
	if w.CreatedBy == nil || *w.CreatedBy != (Frame{"example.com/p.run in goroutine 1", "/src/p/w.go", 29}) {
		t.Errorf("created by %+v", w.CreatedBy)
	}
	if f, ok := w.At("/src/p/w.go"); !ok || f.Line != 21 {
		t.Errorf("At: %+v %v, want the innermost frame, line 21", f, ok)
	}
}

func FuzzParseStacks(f *testing.F) {
	f.Add([]byte("goroutine 7 [chan send]:\nf()\n\t/a.go:1 +0x1\ncreated by g in goroutine 1\n\t/a.go:2\n"))
	f.Fuzz(func(t *testing.T, dump []byte) {
		for _, g := range ParseStacks(dump) {
			if g.CreatedBy != nil && g.CreatedBy.Func == "" && !strings.Contains(string(dump), "created by ") {
				t.Errorf("a creator from nowhere: %+v", g)
			}
		}
	})
}
