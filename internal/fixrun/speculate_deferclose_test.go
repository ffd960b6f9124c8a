package fixrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/report"
)

// closeSrc has the missing-close shapes: a goroutine that closes done
// only when it does not return early (early), a close that ends its
// function (local), one that more work follows (then), and a channel
// handed to a goroutine that never closes it (handed → watch).
const closeSrc = `package p

func early(items []int) {
	done := make(chan struct{})
	go func() {
		for _, i := range items {
			if i < 0 {
				return
			}
		}
		close(done)
	}()
	<-done
}

func watch(updates <-chan int, stopped chan struct{}) {
	for range updates {
	}
}

func handed(updates chan int) {
	stopped := make(chan struct{})
	go watch(updates, stopped)
	<-stopped
}

func maybe(flag bool, done chan struct{}) {
	if flag {
		close(done)
	}
}

func local() {
	ready := make(chan struct{})
	go func() { <-ready }()
	close(ready)
}

func then(work chan int, wait func()) {
	close(work)
	wait()
}

func declared(n int, wait func()) error {
	if n < 0 {
		return nil
	}
	work := make(chan int)
	for i := range n {
		if i > 9 {
			return nil
		}
		work <- i
	}
	close(work)
	wait()
	return nil
}
`

func TestDeferCloseCandidates(t *testing.T) {
	module := t.TempDir()
	file := filepath.Join(module, "p.go")
	if err := os.WriteFile(file, []byte(closeSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &session{module: module}
	tests := []struct {
		name  string
		line  int
		facts report.Facts
		want  string // what the edited file has; "" for no candidate
	}{
		{"a close that a return skips: closed before the return", 13,
			report.Facts{Op: "receive", Object: "done", Partners: []report.SourceRef{{File: file, Line: 11, Kind: "close"}}},
			"\t\t\tif i < 0 {\n\t\t\t\tclose(done)\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t\tclose(done)\n\t}()\n"},
		{"a channel handed to a goroutine that never closes it", 23,
			report.Facts{Op: "receive", Object: "stopped", Make: &report.SourceRef{File: file, Line: 21}},
			"func watch(updates <-chan int, stopped chan struct{}) {\n\tdefer close(stopped)\n\tfor range updates {\n"},
		{"a close that ends its function becomes a defer after the declaration", 13,
			report.Facts{Op: "receive", Object: "ready", Partners: []report.SourceRef{{File: file, Line: lineOf(t, closeSrc, "close(ready)"), Kind: "close"}}},
			"\tready := make(chan struct{})\n\tdefer close(ready)\n\tgo func() { <-ready }()\n}\n"},
		{"a close followed by more work is not deferred", 13,
			report.Facts{Op: "receive", Object: "work", Partners: []report.SourceRef{{File: file, Line: lineOf(t, closeSrc, "close(work)"), Kind: "close"}}}, ""},
		{"a return before the channel is made is left alone", 13,
			report.Facts{Op: "receive", Object: "work", Partners: []report.SourceRef{{File: file, Line: lineOf(t, closeSrc, "close(work)\n\twait()\n\treturn nil"), Kind: "close"}}},
			"\tif n < 0 {\n\t\treturn nil\n\t}\n\twork := make(chan int)\n\tfor i := range n {\n\t\tif i > 9 {\n\t\t\tclose(work)\n\t\t\treturn nil\n"},
		{"a conditional close stays where it is", 13,
			report.Facts{Op: "receive", Object: "done", Partners: []report.SourceRef{{File: file, Line: 28, Kind: "close"}}}, ""},
		{"a receive-only parameter cannot be closed", 23,
			report.Facts{Op: "receive", Object: "updates", Make: &report.SourceRef{File: file, Line: 21}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cands := s.deferCloseCandidates(chanGroup(file, tt.line, tt.facts))
			if tt.want == "" {
				if len(cands) > 0 {
					t.Fatalf("a candidate: %s", cands[0].summary)
				}
				return
			}
			if len(cands) != 1 {
				t.Fatalf("%d candidates, want 1", len(cands))
			}
			out := applyCandidate(t, closeSrc, cands[0])
			if !strings.Contains(out, tt.want) {
				t.Errorf("edited:\n%s\nwant it to hold:\n%s", out, tt.want)
			}
		})
	}
}
