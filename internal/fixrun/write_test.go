package fixrun

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/report"
)

// TestWrite checks what -w writes: a verified edit, gofmt'd, into a clean
// file; nothing when a file has uncommitted changes, lies outside the
// module or changed since the session read it.
func TestWrite(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	const src = "package p\n\nfunc f() {\n\tch := make(chan int)\n\t_ = ch\n}\n"
	old := "make(chan int)"
	tests := []struct {
		name    string
		prepare func(t *testing.T, module, file string) (editFile string)
		wantErr string
	}{
		{name: "clean file", prepare: func(t *testing.T, module, file string) string { return file }},
		{name: "uncommitted changes", wantErr: "uncommitted changes", prepare: func(t *testing.T, module, file string) string {
			if err := os.WriteFile(file, []byte(src+"\n// a change of the user's\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			return file
		}},
		{name: "outside the module", wantErr: "outside the module", prepare: func(t *testing.T, module, file string) string {
			other := filepath.Join(t.TempDir(), "p.go")
			if err := os.WriteFile(other, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			return other
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			module := t.TempDir()
			file := filepath.Join(module, "p.go")
			for name, text := range map[string]string{"go.mod": "module example.com/p\n\ngo 1.26\n", "p.go": src} {
				if err := os.WriteFile(filepath.Join(module, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start"}} {
				cmd := exec.Command("git", args...)
				cmd.Dir = module
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("git %v: %v\n%s", args, err, out)
				}
			}
			target := tt.prepare(t, module, file)
			before, _ := os.ReadFile(target)
			at := strings.Index(src, old)
			res := &Result{Module: module, Groups: []*GroupResult{{Verified: &Attempt{Outcome: OutcomeVerified,
				Edits: []report.Edit{{File: target, Start: at, End: at + len(old), Old: old, New: "make(chan int, 1)"}}}}}}
			written, err := res.Write(context.Background())
			after, _ := os.ReadFile(target)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || len(written) > 0 || string(after) != string(before) {
					t.Errorf("err %v, wrote %q; want an error holding %q and the file as it was", err, written, tt.wantErr)
				}
				return
			}
			if err != nil || len(written) != 1 || !strings.Contains(string(after), "make(chan int, 1)") {
				t.Errorf("err %v, wrote %q:\n%s", err, written, after)
			}
		})
	}
}
