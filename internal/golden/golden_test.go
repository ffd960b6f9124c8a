package golden

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
	fatal  bool
}

func (r *recorder) Helper()                        {}
func (r *recorder) Name() string                   { return "TestX/sub" }
func (r *recorder) Errorf(format string, a ...any) { r.errors = append(r.errors, format) }
func (r *recorder) Fatalf(format string, a ...any) {
	r.fatal = true
	r.errors = append(r.errors, format)
}
func (r *recorder) Fatal(a ...any) { r.fatal = true }

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.txt")
	if err := os.WriteFile(path, []byte("one\ntwo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, got string
		fails, fatal    bool
	}{
		{"same", path, "one\ntwo\n", false, false},
		{"different", path, "one\nthree\n", true, false},
		{"missing", filepath.Join(dir, "none.txt"), "x", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			Check(r, tt.path, tt.got)
			if (len(r.errors) > 0) != tt.fails || r.fatal != tt.fatal {
				t.Fatalf("failures %q (fatal %v), want failing %v, fatal %v", r.errors, r.fatal, tt.fails, tt.fatal)
			}
			if tt.fails && !strings.Contains(r.errors[0], "-update") {
				t.Errorf("the failure does not say how to accept the output: %q", r.errors[0])
			}
		})
	}
}

func TestFirstDifference(t *testing.T) {
	tests := []struct{ got, want, say string }{
		{"a\nb\n", "a\nc\n", `line 2: got "b", want "c"`},
		{"a\n", "a\nb\n", `line 2: got "", want "b"`},
		{"a\nb", "a", `line 2: got "b", want ""`},
	}
	for _, tt := range tests {
		if got := firstDifference(tt.got, tt.want); got != tt.say {
			t.Errorf("firstDifference(%q, %q) = %q, want %q", tt.got, tt.want, got, tt.say)
		}
	}
}

func TestNormalise(t *testing.T) {
	in := "test: T · goroutines 12, 7, 130 +4 more\nstack: x  net/http/transport.go:2450\n    at report/internal/leaky/a.go:12 · goroutine 9\n"
	want := "test: T · goroutines N, N, N +N more\nstack: x  net/http/transport.go:N\n    at report/internal/leaky/a.go:12 · goroutine N\n"
	if got := Normalise(in); got != want {
		t.Errorf("Normalise:\n%s\nwant\n%s", got, want)
	}
}
