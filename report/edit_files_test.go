package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEditFiles(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.go")
	src := "package a\n\nfunc f(ch chan int) { ch <- 1 }\n"
	if err := os.WriteFile(a, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	at := strings.Index(src, "ch <- 1")
	tests := []struct {
		name  string
		edits []Edit
		want  map[string]string
		err   string
	}{
		{"no edits", nil, map[string]string{}, ""},
		{
			"one file",
			[]Edit{{File: a, Start: at, End: at + len("ch <- 1"), Line: 3, EndLine: 3, Old: "ch <- 1", New: "select { case ch <- 1: default: }"}},
			map[string]string{a: "package a\n\nfunc f(ch chan int) { select { case ch <- 1: default: } }\n"},
			"",
		},
		{"a file that is not there", []Edit{{File: filepath.Join(dir, "none.go"), Old: "x"}}, nil, "reading the source to edit"},
		{"a file that changed", []Edit{{File: a, Start: at, End: at + 2, Old: "zz", New: "y"}}, nil, "applying the suggested edits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EditFiles(tt.edits)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d files, want %d", len(got), len(tt.want))
			}
			for f, w := range tt.want {
				if string(got[f]) != w {
					t.Errorf("%s:\n%s\nwant\n%s", f, got[f], w)
				}
			}
			if disk, _ := os.ReadFile(a); string(disk) != src {
				t.Error("the file on disk changed")
			}
		})
	}
}
