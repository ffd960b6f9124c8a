package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/fixrun/fixture"
	"github.com/leakhound/leakhound/internal/testenv"
)

func TestFixUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string // in stdout for help, stderr otherwise
	}{
		{name: "help", args: []string{"help", "fix"}, code: exitOK, want: "usage: leakhound fix [flags] [packages]"},
		{name: "-diff and -json", args: []string{"fix", "-diff", "-json"}, code: exitUsage, want: "give one"},
		{name: "-count 0", args: []string{"fix", "-count", "0"}, code: exitUsage, want: "-count must be at least 1"},
		{name: "bad flag", args: []string{"fix", "-nope"}, code: exitUsage, want: "-nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, strings.NewReader(""), &stdout, &stderr)
			out := stderr.String()
			if tt.code == exitOK {
				out = stdout.String()
			}
			if code != tt.code || !strings.Contains(out, tt.want) {
				t.Errorf("exit %d, want %d; output lacks %q:\n%s", code, tt.code, tt.want, out)
			}
		})
	}
}

// TestFixCommand runs leakhound fix on a module whose test leaks: with
// -diff it prints a patch git apply takes and exits 0; with -json the
// result names the verified group and -html marks the edit verified; on
// a leak with no edit it exits 1.
func TestFixCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	goCmd := testenv.GoCommand(t)
	files := fixture.PkgFiles("buffered", map[string]string{"leak.go": fixture.LeakySource, "leak_test.go": fixture.LeakyTest})
	for name, text := range fixture.PkgFiles("noedit", map[string]string{"loop.go": fixture.NoEditSource, "loop_test.go": fixture.NoEditTest}) {
		files[name] = text
	}
	dir := fixture.WriteModule(t, goCmd, fixture.Root(t, goCmd), files)

	res := runBinary(t, dir, nil, "fix", "-count=2", "-diff", "./buffered")
	if res.code != exitOK || !strings.Contains(res.stdout, "+\tch := make(chan int, 1)") || !strings.Contains(res.stderr, "verified: buffered/leak.go") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	if !strings.Contains(res.stderr, "candidate 1 of 1") {
		t.Errorf("no progress on stderr:\n%s", res.stderr)
	}
	apply := exec.Command("git", "apply", "--check", "-")
	apply.Dir, apply.Stdin = dir, strings.NewReader(res.stdout)
	if out, err := apply.CombinedOutput(); err != nil {
		t.Errorf("git apply does not take the patch: %v\n%s", err, out)
	}

	page := filepath.Join(t.TempDir(), "fix.html")
	res = runBinary(t, dir, nil, "fix", "-count=2", "-json", "-html", page, "./buffered")
	var got struct {
		Verified int
		Groups   []struct{ Where string }
	}
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil || got.Verified != 1 || len(got.Groups) != 1 {
		t.Errorf("JSON: %v %+v\n%s", err, got, res.stdout)
	}
	if html, err := os.ReadFile(page); err != nil || !strings.Contains(string(html), "verified by leakhound fix") {
		t.Errorf("the HTML report does not mark the edit verified: %v", err)
	}

	res = runBinary(t, dir, nil, "fix", "./noedit")
	if res.code != exitFound || !strings.Contains(res.stdout, "no verified fix: noedit/loop.go") || !strings.Contains(res.stdout, "shape of the fix:") {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, exitFound, res.stdout, res.stderr)
	}
}
