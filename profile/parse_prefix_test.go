package profile

import (
	"reflect"
	"strings"
	"testing"
)

// prefixed puts prefix (with each digit of shape replaced by the line's
// number modulo 10, as a ticking clock would) before every line of dump.
func prefixed(dump, shape string, trimBlank bool) string {
	lines := strings.SplitAfter(dump, "\n")
	var b strings.Builder
	for n, l := range lines {
		if l == "" {
			continue
		}
		p := []byte(shape)
		for i, c := range p {
			if isDigit(c) {
				p[i] = byte('0' + (n+i)%10)
			}
		}
		pre := string(p)
		if trimBlank && strings.TrimSpace(l) == "" {
			pre = strings.TrimRight(pre, " \t")
		}
		b.WriteString(pre + l)
	}
	return b.String()
}

// TestParsePrefixedPaste: a dump indented or prefixed with a log's
// timestamps on every line reads as the dump itself (an indented paste was
// refused with "found no goroutine").
func TestParsePrefixedPaste(t *testing.T) {
	const dump = "panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1d\n\n" +
		"goroutine 7 [chan receive, 5 minutes]:\nmain.worker(0xc000010000)\n\t/src/main.go:17 +0x19\n" +
		"created by main.main in goroutine 1\n\t/src/main.go:12 +0x56\n\nexit status 2\n"
	want, err := ParseBytes([]byte(dump))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, shape string
		trimBlank   bool
	}{
		{"four spaces", "    ", false},
		{"four spaces, blank lines trimmed", "    ", true},
		{"tab", "\t", false},
		{"log package", "2026/11/27 10:00:00 ", false},
		{"log package, blank lines trimmed", "2026/11/27 10:00:00 ", true},
		{"CI time column", "2026-11-27T10:00:00.1234567Z ", false},
		{"quote", "> ", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBytes([]byte(prefixed(dump, tt.shape, tt.trimBlank)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestLinePrefixNone: a header quoted once in a log line, with the next line
// not shaped like it, makes no prefix; nor does a dump as printed.
func TestLinePrefixNone(t *testing.T) {
	for _, in := range []string{
		"goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3\n",
		"log: see goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3\n",
		"no dump at all\n",
	} {
		if p := linePrefix([]byte(in)); p != nil {
			t.Errorf("linePrefix(%q) = %q, want none", in, p)
		}
	}
}
