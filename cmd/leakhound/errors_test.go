package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/report"
)

// TestReportInputErrors checks that input leakhound cannot use exits with
// status 2 and a message that says what was read.
func TestReportInputErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty.txt", "")
	blank := write("blank.txt", "  \n\n\t\n")
	garbage := write("garbage.txt", "this is a shopping list\neggs\nmilk\n")
	binaryJunk := write("junk.bin", "\x00\x01\x02\xff\xfe garbage \x03")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("not a dump either\n"))
	zw.Close()
	gzipJunk := write("junk.txt.gz", gz.String())
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  []string // all must appear in stderr
	}{
		// A command line that cannot be used is said in one line, which
		// points to the help.
		{"empty file", []string{"report", empty}, "", []string{empty, "empty"}},
		{"blank file", []string{"report", blank}, "", []string{blank, "white space"}},
		{"empty stdin", []string{"report", "-"}, "", []string{"standard input", "empty"}},
		{"garbage", []string{"report", garbage}, "", []string{garbage, "this is a shopping list", "goroutine"}},
		{"binary junk", []string{"report", binaryJunk}, "", []string{binaryJunk, "goroutine"}},
		{"gzip of garbage", []string{"report", gzipJunk}, "", []string{gzipJunk, "goroutine"}},
		{"missing file", []string{"report", filepath.Join(dir, "nope.txt")}, "", []string{"no such file", "nope.txt"}},
		{"URL without scheme", []string{"report", "localhost:6060/debug/pprof/goroutine?debug=2"}, "", []string{"no such file", "http://"}},
		{"bad flag", []string{"report", "-frobnicate", garbage}, "", []string{"frobnicate", "-h"}},
		{"negative min", []string{"report", "-min", "-3", garbage}, "", []string{"-min", "-h"}},
		{"bad duration", []string{"report", "-timeout", "soon", garbage}, "", []string{"-timeout", "-h"}},
		{"bad reason", []string{"report", "-reason", "chan-recv", garbage}, "", []string{"chan-recv", "chan-receive"}},
		{"bad regexp", []string{"report", "-match", "(unclosed", garbage}, "", []string{"-match", "regular expression"}},
		{"bad sort", []string{"report", "-sort", "age", garbage}, "", []string{"-sort", "minutes"}},
		{"bad min", []string{"report", "-min", "0", garbage}, "", []string{"-min"}},
		{"two inputs", []string{"report", garbage, blank}, "", []string{"one dump at a time"}},
		{"two stdout forms", []string{"report", "-json", "-", "-html", "-", garbage}, "", []string{"stdout"}},
		{"unknown command", []string{"explain", garbage}, "", []string{"unknown command", "explain", "report", "-h"}},
		{"no command", nil, "", []string{"usage:"}},
		{"unwritable output", []string{"report", "-json", filepath.Join(dir, "no", "such", "dir", "r.json"), "-"},
			"goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1\n", []string{"-json", "r.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runBinary(t, "", []byte(tt.stdin), tt.args...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", r.code, exitUsage, r.stdout, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "[signal") {
				t.Errorf("leakhound crashed:\n%s", r.stderr)
			}
			if slices.Contains(tt.want, "-h") && strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("a usage error takes %d lines, want 1:\n%s", strings.Count(r.stderr, "\n"), r.stderr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "no")); err == nil {
		t.Errorf("a failed write left a directory behind")
	}
}

// TestReportTruncated checks a dump cut in the middle of a goroutine is
// reported from what was read, with a warning naming the cut.
func TestReportTruncated(t *testing.T) {
	startBlocked(t)
	dump := stackDump()
	// Cut inside the frames of a parked goroutine: after its function line,
	// before its file line.
	i := strings.Index(dump, "."+mutexFunc+"(")
	if i < 0 {
		t.Fatalf("no %s in the dump", mutexFunc)
	}
	cut := dump[:i+len(mutexFunc)+3]
	r := runBinary(t, "", []byte(cut), "report", "-all")
	if r.code != exitOK {
		t.Fatalf("exit %d, want 0; stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "standard input") || !strings.Contains(r.stderr, "middle of goroutine") {
		t.Errorf("no warning about the cut:\n%s", r.stderr)
	}
}

// TestHelp checks every flag is documented with an example, and that help
// and version succeed.
func TestHelp(t *testing.T) {
	usage := runBinary(t, "", nil, "help", "report")
	if usage.code != exitOK {
		t.Fatalf("help report: exit %d; stderr:\n%s", usage.code, usage.stderr)
	}
	flagH := runBinary(t, "", nil, "report", "-h")
	if flagH.code != exitOK || flagH.stdout != usage.stdout {
		t.Errorf("report -h: exit %d and output differing from help report:\n%s", flagH.code, flagH.stdout)
	}
	f := newReportFlags()
	f.fs.VisitAll(func(fl *flag.Flag) {
		if !regexp.MustCompile(`\n  -` + fl.Name + `[ \n]`).MatchString(usage.stdout) {
			t.Errorf("help does not list -%s", fl.Name)
		}
		if !regexp.MustCompile(`\n    \texample: .*-` + fl.Name + `\b`).MatchString(usage.stdout) {
			t.Errorf("help has no example using -%s", fl.Name)
		}
	})
	for _, args := range [][]string{{"help"}, {"version"}, {"--help"}} {
		r := runBinary(t, "", nil, args...)
		if r.code != exitOK || !strings.Contains(r.stdout, "leakhound") {
			t.Errorf("leakhound %q: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
	if r := runBinary(t, "", nil, "version"); !strings.Contains(r.stdout, "go1.") {
		t.Errorf("version does not name the Go version: %q", r.stdout)
	}
}

// TestReportGzipText checks a text dump saved with gzip is read like the
// plain one.
func TestReportGzipText(t *testing.T) {
	startBlocked(t)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(stackDump())); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	r := runBinary(t, "", nil, "report", writeInput(t, "dump.txt.gz", buf.Bytes()))
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	for _, fn := range allParked {
		if !strings.Contains(r.stdout, fn) {
			t.Errorf("the report does not mention %s:\n%s", fn, r.stdout)
		}
	}
}

// TestReasonFlagAcceptsEveryReason: -reason takes every reason report
// gives ("-reason coroutine" was refused: the command kept its own list).
func TestReasonFlagAcceptsEveryReason(t *testing.T) {
	for _, r := range report.Reasons() {
		f := newReportFlags()
		if _, err := f.parse([]string{"-reason", string(r)}); err != nil {
			t.Errorf("-reason %s: %v", r, err)
		}
	}
	if _, err := newReportFlags().parse([]string{"-reason", "nonsense"}); err == nil || !strings.Contains(err.Error(), string(report.ReasonCoroutine)) {
		t.Errorf("an unknown reason's error does not list them all: %v", err)
	}
}
