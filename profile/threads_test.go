package profile

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// threadOfSpinner is what GOTRACEBACK=crash prints after "-----" for a
// thread that was running goroutine 59 when the signal came: the same
// goroutine a second time, as seen from its thread.
const threadOfSpinner = `
-----

SIGQUIT: quit
PC=0x4897a1 m=4 sigcode=0

goroutine 59 gp=0x13d0b75b72c0 m=4 mp=0x13d0b7600008 [running]:
main.spin()
	/tmp/i15/sq/main.go:15 +0x1 fp=0x13d0b75bcfe0 sp=0x13d0b75bcfd8 pc=0x4897a1
runtime.goexit({})
	/usr/local/go/src/runtime/asm_amd64.s:1771 +0x1 fp=0x13d0b75bcfe8 sp=0x13d0b75bcfe0 pc=0x47d2c1
created by main.main in goroutine 1
	/tmp/i15/sq/main.go:24 +0x90
rax    0x0
rip    0x4897a1
`

// TestParseSignalThreads: the thread sections of a SIGQUIT dump under
// GOTRACEBACK=crash ("goroutine 0 [idle]", a goroutine printed again for
// the thread running it) are not goroutines; they were counted as such
// (55 for 42). The dumps are real (testdata/threads, 40 goroutines blocked
// in a channel receive, three spinning, main, five of the runtime's).
func TestParseSignalThreads(t *testing.T) {
	header := regexp.MustCompile(`(?m)^goroutine ([1-9][0-9]*) `)
	for _, tt := range []struct{ file, extra string }{
		{"sigquit.txt", ""},
		{"sigquit-crash.txt", ""},
		{"sigquit-crash.txt", threadOfSpinner},
	} {
		data, err := os.ReadFile(filepath.Join("testdata", "threads", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		// The truth: the distinct IDs of the goroutine list, before any
		// "-----".
		list, _, _ := bytes.Cut(data, []byte("\n-----\n"))
		want := map[int64]bool{}
		for _, m := range header.FindAllSubmatch(list, -1) {
			id, _ := strconv.ParseInt(string(m[1]), 10, 64)
			want[id] = true
		}
		s, err := ParseBytes(append(data, tt.extra...))
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]bool{}
		for _, g := range s.Goroutines {
			if got[g.ID] || !want[g.ID] {
				t.Errorf("%s: goroutine %d listed twice or not a goroutine (state %q)", tt.file, g.ID, g.State)
			}
			got[g.ID] = true
		}
		if len(s.Goroutines) != len(want) || len(want) != 49 {
			t.Errorf("%s: %d goroutines, want %d (49)", tt.file, len(s.Goroutines), len(want))
		}
	}
}
