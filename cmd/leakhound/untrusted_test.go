//go:build unix

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/reportdir"
)

// TestReportReadsNoLocalFile (issue item 1): a pasted dump whose frames
// name /etc/passwd, /proc/self/environ and a .go link to a secret shows
// none of their bytes in the HTML or text report, with or without
// -nosource.
func TestReportReadsNoLocalFile(t *testing.T) {
	const token = "PLANTED_CLI_SECRET_5d1e"
	t.Setenv("LEAKHOUND_TEST_PLANTED", token)
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(secret, []byte(strings.Repeat(token+"\n", 20)), 0o644)
	link := filepath.Join(dir, "shadow.go")
	if err := os.Symlink(secret, link); err != nil {
		t.Fatal(err)
	}
	var dump strings.Builder
	for i, f := range []string{"/etc/passwd", "/proc/self/environ", link, secret} {
		fmt.Fprintf(&dump, "goroutine %d [chan receive]:\nmain.wait%d()\n\t%s:2 +0x1\ncreated by main.main in goroutine 1\n\t%s:1 +0x1\n\n", i+10, i, f, f)
	}
	in := writeInput(t, "dump.txt", []byte(dump.String()))
	for _, args := range [][]string{{"-nosource"}, {}, {"-root", dir}} {
		t.Run(strings.Join(append([]string{"report"}, args...), " "), func(t *testing.T) {
			html := filepath.Join(t.TempDir(), "r.html")
			code, stdout, stderr := runCmd(t, append(append([]string{"report", "-html", html}, args...), in)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			page, _ := os.ReadFile(html)
			for _, leak := range []string{token, "root:x:0"} {
				if strings.Contains(string(page)+stdout, leak) {
					t.Errorf("the report discloses %q", leak)
				}
			}
		})
	}
}

// TestMergeFindsNothing (issue #26, item 3 of #25): merge and baseline
// over inputs holding no report fail saying so, unless -allow-empty; a
// link to the directory of reports (bazel-testlogs) is followed.
func TestMergeFindsNothing(t *testing.T) {
	t.Setenv(reportdir.StepSummaryEnv, "")
	t.Setenv(reportdir.BaselineEnv, "")
	root := t.TempDir()
	empty := filepath.Join(root, "empty")
	os.MkdirAll(empty, 0o755)
	real := filepath.Join(root, "testlogs")
	shardLeak(t, filepath.Join(real, "p", "test.outputs", reportdir.BazelSubdir), "example.com/p", "example.com/p.send", 22)
	link := filepath.Join(root, "bazel-testlogs")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "merged")
	tests := []struct {
		name     string
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{"merge of nothing", []string{"merge", "-o", out, empty}, exitUsage, "", "found no reports"},
		{"merge of nothing, allowed", []string{"merge", "-allow-empty", "-o", out, empty}, exitOK, "0 packages from 0 shards", ""},
		{"baseline of nothing", []string{"baseline", empty}, exitUsage, "", "found no reports"},
		{"baseline of nothing, allowed", []string{"baseline", "-allow-empty", empty}, exitOK, "0 goroutine leaks", ""},
		{"merge -fail through a link", []string{"merge", "-fail", "-o", out, link}, exitFound, "22 goroutines leaked", ""},
		{"baseline through a link", []string{"baseline", link}, exitOK, "1 goroutine leak known", ""},
		{"merge into its input", []string{"merge", "-o", real, link}, exitUsage, "", "overlaps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCmd(t, tt.args...)
			if code != tt.code || !strings.Contains(stdout, tt.inStdout) || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
		})
	}
}

// TestMergeTolerance (item 7): -tolerance overrides the baseline's, and
// a known leak grown past it fails -fail.
func TestMergeTolerance(t *testing.T) {
	t.Setenv(reportdir.StepSummaryEnv, "")
	t.Setenv(reportdir.BaselineEnv, "")
	root := t.TempDir()
	shardLeak(t, filepath.Join(root, "before"), "example.com/p", "example.com/p.send", 1)
	baseline := filepath.Join(root, "known.txt")
	if code, _, stderr := runCmd(t, "baseline", "-o", baseline, filepath.Join(root, "before")); code != exitOK {
		t.Fatal(stderr)
	}
	shardLeak(t, filepath.Join(root, "after"), "example.com/p", "example.com/p.send", 5000)
	out := filepath.Join(root, "merged")
	for _, tt := range []struct {
		args []string
		code int
	}{
		{nil, exitFound},
		{[]string{"-tolerance", "0"}, exitOK},
		{[]string{"-tolerance", "5000"}, exitOK},
		{[]string{"-tolerance", "4999"}, exitFound},
	} {
		args := append(append([]string{"merge", "-fail", "-known", baseline, "-o", out}, tt.args...), filepath.Join(root, "after"))
		if code, stdout, stderr := runCmd(t, args...); code != tt.code {
			t.Errorf("%v: exit %d, want %d\n%s%s", tt.args, code, tt.code, stdout, stderr)
		}
	}
}
