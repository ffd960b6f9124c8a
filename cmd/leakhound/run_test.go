package main

import (
	"strings"
	"testing"
)

// TestRun calls the command in process, as main does, for the paths that
// need no dump file: it must give the same exit codes as the binary.
func TestRun(t *testing.T) {
	dump := "goroutine 1 [running]:\nmain.main()\n\t/src/app/main.go:3 +0x1d\n\n" +
		"goroutine 7 [chan send, 4 minutes]:\nexample.com/app.produce(0xc000010000)\n\t/src/app/produce.go:12 +0x2a\n" +
		"created by example.com/app.Start in goroutine 1\n\t/src/app/start.go:8 +0x3b\n"
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"version", []string{"version"}, "", exitOK, "leakhound", ""},
		{"version with args", []string{"version", "x"}, "", exitUsage, "", "no arguments"},
		{"help", []string{"help"}, "", exitOK, "leakhound report", ""},
		{"help unknown", []string{"help", "nope"}, "", exitUsage, "", "report, merge, baseline, test, init, fix, watch, help, version"},
		{"no args", nil, "", exitUsage, "", "usage:"},
		{"stdin dump", []string{"report", "-nosource"}, dump, exitOK, "produce", ""},
		{"stdin dump, -fail", []string{"report", "-nosource", "-fail"}, dump, exitFound, "produce", ""},
		{"nil stdin", []string{"report"}, "", exitUsage, "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			var stdin *strings.Reader
			if tt.stdin != "" {
				stdin = strings.NewReader(tt.stdin)
			}
			var code int
			if stdin == nil {
				code = run(tt.args, nil, &stdout, &stderr)
			} else {
				code = run(tt.args, stdin, &stdout, &stderr)
			}
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.wantStdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.wantStderr, stderr.String())
			}
		})
	}
}
