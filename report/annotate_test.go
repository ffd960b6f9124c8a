package report

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

func TestEscapes(t *testing.T) {
	tests := []struct {
		in, data, prop string
	}{
		{"plain", "plain", "plain"},
		{"50%", "50%25", "50%25"},
		{"a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"},
		{"x: y, z", "x: y, z", "x%3A y%2C z"},
		{"%0A literal", "%250A literal", "%250A literal"},
	}
	for _, tt := range tests {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
	}
}

func TestWriteAnnotations(t *testing.T) {
	root := "/home/u/app"
	r := &Report{ModuleRoot: root, Groups: []*Group{
		{
			Reason: ReasonChanReceive, State: "chan receive", Count: 3, Tests: []string{"TestA", "TestB"},
			Block:     profile.Frame{Func: "example.com/app.worker", File: root + "/pool/worker.go", Line: 42},
			Diagnosis: Diagnosis{PatternID: PatternRangeUnclosed, Summary: "worker.go:42: `for range jobs`, jobs never closed"},
		},
		{
			Reason: ReasonSelect, State: "select", Count: 1,
			Block:     profile.Frame{Func: "net/http.(*persistConn).readLoop", File: "/usr/local/go/src/net/http/transport.go", Line: 2450},
			Stack:     &profile.Goroutine{Frames: []profile.Frame{{Func: "net/http.(*persistConn).readLoop", File: "/usr/local/go/src/net/http/transport.go", Line: 2450}}},
			Diagnosis: Diagnosis{PatternID: PatternHTTPClientConn, Summary: "client connection open"},
		},
	}}
	var sb strings.Builder
	if err := r.WriteAnnotations(&sb); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(sb.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want one per group:\n%s", len(lines), sb.String())
	}
	wantPrefix := "::error file=pool/worker.go,line=42,title=LH002 3 leaked goroutines%3A chan receive::"
	if !strings.HasPrefix(lines[0], wantPrefix) {
		t.Errorf("first annotation:\n%s\nwant prefix\n%s", lines[0], wantPrefix)
	}
	if !strings.Contains(lines[0], "%0AFix: ") || !strings.Contains(lines[0], "%0ATests: TestA, TestB") {
		t.Errorf("first annotation lacks the fix or the tests: %s", lines[0])
	}
	// A goroutine that never runs the module's code is not pinned to
	// Go's own source, which is not in the repository.
	if !strings.HasPrefix(lines[1], "::error title=LH007 ") {
		t.Errorf("second annotation should carry no file: %s", lines[1])
	}
}

// TestAnnotationsInWorkspace: with the module in sub/ of the repository,
// annotations name files from the repository's root, where GitHub looks
// for them; files outside the workspace keep the report's paths.
func TestAnnotationsInWorkspace(t *testing.T) {
	root := "/home/runner/work/repo/sub"
	block := profile.Frame{Func: "example.com/app.worker", File: root + "/pool/worker.go", Line: 42}
	r := &Report{ModuleRoot: root, Groups: []*Group{{Reason: ReasonChanReceive, Count: 1, Block: block}}}
	tests := []struct{ workspace, want string }{
		{"", "file=pool/worker.go,"},
		{"/home/runner/work/repo", "file=sub/pool/worker.go,"},
		{"/home/runner/work/repo/", "file=sub/pool/worker.go,"},
		{"/elsewhere", "file=pool/worker.go,"},
	}
	for _, tt := range tests {
		var sb strings.Builder
		if err := r.WriteAnnotationsIn(&sb, tt.workspace); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sb.String(), tt.want) {
			t.Errorf("workspace %q: annotation %q lacks %q", tt.workspace, sb.String(), tt.want)
		}
	}
}
