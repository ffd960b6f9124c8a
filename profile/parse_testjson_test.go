package profile

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// testJSONLines encodes events as go test -json prints them, one per line.
func testJSONLines(t *testing.T, events ...map[string]any) string {
	t.Helper()
	var b strings.Builder
	for _, ev := range events {
		line, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

func output(s string) map[string]any {
	return map[string]any{"Time": "2026-11-26T22:00:00Z", "Action": "output", "Package": "example.com/p", "Output": s}
}

func TestParseTestJSON(t *testing.T) {
	events := testJSONLines(t,
		map[string]any{"Action": "start", "Package": "example.com/p"},
		map[string]any{"Action": "run", "Package": "example.com/p", "Test": "TestBlocks"},
		output("panic: test timed out after 2s\n"),
		output("\trunning tests:\n"),
		output("\t\tTestBlocks (2s)\n"),
		output("\n"),
		// go test -json may split a long line over two events.
		output("goroutine 19 [chan rec"),
		output("eive] {req: \"a b\"}:\n"),
		output("example.com/p.TestBlocks(0xc000003)\n"),
		output("\t/src/p_test.go:17 +0x165\n"),
		output("created by testing.(*T).Run in goroutine 1\n"),
		output("\t/go/src/testing/testing.go:2101 +0x4c5\n"),
		output("exit status 2\n"),
		map[string]any{"Action": "fail", "Package": "example.com/p", "Elapsed": 2.01},
	)
	// Lines that are not events, such as build output, are kept too.
	input := "# example.com/p\n" + events

	s, err := ParseBytes([]byte(input))
	if err != nil {
		t.Fatal(err)
	}
	if s.Format != FormatTestJSON {
		t.Errorf("Format = %q, want %q", s.Format, FormatTestJSON)
	}
	want := Goroutine{ID: 19, State: "chan receive", Labels: map[string]string{"req": "a b"}, Count: 1,
		Frames:    []Frame{{"example.com/p.TestBlocks", "/src/p_test.go", 17}},
		CreatedBy: &Frame{"testing.(*T).Run", "/go/src/testing/testing.go", 2101}, ParentID: 1}
	if len(s.Goroutines) != 1 || !reflect.DeepEqual(*s.Goroutines[0], want) {
		t.Fatalf("goroutines = %+v (created by %+v)\nwant [%+v]", *s.Goroutines[0], s.Goroutines[0].CreatedBy, want)
	}
	for _, line := range []string{"# example.com/p", "panic: test timed out after 2s", "\t\tTestBlocks (2s)", "exit status 2"} {
		if !slices.Contains(s.Text, line) {
			t.Errorf("Text %q lacks %q", s.Text, line)
		}
	}
}

func TestIsTestJSON(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`{"Action":"output","Output":"x\n"}` + "\n", true},
		{"\n  " + `{"Time":"2026-01-01T00:00:00Z","Action":"start","Package":"p"}`, true},
		{`{"Action":"output"`, false},
		{`{"k": "v"}` + "\ngoroutine 1 [running]:\n", false},
		{"goroutine 1 [running]:\nmain.main()\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isTestJSON([]byte(tt.in)); got != tt.want {
			t.Errorf("isTestJSON(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
