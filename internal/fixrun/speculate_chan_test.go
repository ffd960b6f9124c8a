package fixrun

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// chanSrc has the channel shapes of fix's own channel candidates: a send
// to a loop that closes done when it returns (ask → serve), a send before
// the goroutine that receives it is started (start), and a Wait inside the
// loop that starts what it waits for (all), and a send in the default of
// a select that waits to stop (pump).
const chanSrc = `package p

import "sync"

type reply struct{ n int }

type node struct {
	asks chan chan reply
	stop chan struct{}
	done chan struct{}
}

func (n *node) serve() {
	for {
		select {
		case c := <-n.asks:
			c <- reply{}
		case <-n.stop:
			close(n.done)
			return
		}
	}
}

func (n *node) ask() reply {
	c := make(chan reply)
	n.asks <- c
	return <-c
}

func (n *node) tell(c chan reply) {
	n.asks <- c
}

func start(ch chan int, run func(func())) {
	ch <- 1
	run(func() {
		<-ch
	})
}

func all(items []int) {
	var wg sync.WaitGroup
	wg.Add(len(items))
	for range items {
		go func() {
			defer wg.Done()
		}()
		wg.Wait() // too early
	}
}

func pump(out chan int, stop chan struct{}) {
	for {
		select {
		case <-stop:
			return
		default:
			out <- 1
		}
	}
}
`

// chanGroup is a group blocked at file:line with the given facts, its
// stack that one frame.
func chanGroup(file string, line int, facts report.Facts) *report.Group {
	at := profile.Frame{Func: "p.f", File: file, Line: line}
	return &report.Group{Block: at, Stack: &profile.Goroutine{Frames: []profile.Frame{at}}, Diagnosis: report.Diagnosis{Facts: facts}}
}

func writeChanSrc(t *testing.T) (*session, string) {
	t.Helper()
	module := t.TempDir()
	file := filepath.Join(module, "p.go")
	if err := os.WriteFile(file, []byte(chanSrc), 0o644); err != nil {
		t.Fatal(err)
	}
	return &session{module: module}, file
}

func TestStopSelectCandidates(t *testing.T) {
	s, file := writeChanSrc(t)
	recv := []report.SourceRef{{File: file, Line: 16, Kind: "receive"}}
	tests := []struct {
		name string
		line int
		want string // what the edited file has; "" for no candidate
	}{
		{"a send followed by more: the stop case returns zero results", 27,
			"\tselect {\n\tcase n.asks <- c:\n\tcase <-n.done:\n\t\treturn reply{}\n\t}\n\treturn <-c\n"},
		{"the last statement: the select ends the function", 32,
			"\tselect {\n\tcase n.asks <- c:\n\tcase <-n.done:\n\t}\n}\n"},
		{"not a send", 28, ""},
		{"a send in a select's default becomes a case of it", lineOf(t, chanSrc, "out <- 1"),
			"\t\tselect {\n\t\tcase <-stop:\n\t\t\treturn\n\t\tcase out <- 1:\n\t\t}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cands := s.stopSelectCandidates(chanGroup(file, tt.line, report.Facts{Op: "send", Object: "n.asks", Partners: recv}))
			if tt.want == "" {
				if len(cands) > 0 {
					t.Fatalf("a candidate: %s", cands[0].summary)
				}
				return
			}
			if len(cands) != 1 {
				t.Fatalf("%d candidates, want 1", len(cands))
			}
			if got := applyCandidate(t, chanSrc, cands[0]); !strings.Contains(got, tt.want) {
				t.Errorf("edited:\n%s\nwant it to hold:\n%s", got, tt.want)
			}
		})
	}
	// A receiver that closes nothing gives no stop channel.
	if c := s.stopSelectCandidates(chanGroup(file, 27, report.Facts{Op: "send", Partners: []report.SourceRef{{File: file, Line: 28, Kind: "receive"}}})); len(c) > 0 {
		t.Errorf("a candidate with no channel closed by the receiver: %s", c[0].summary)
	}
}

func TestMoveCandidates(t *testing.T) {
	s, file := writeChanSrc(t)
	tests := []struct {
		name  string
		line  int
		facts report.Facts
		want  string
	}{
		{"a send before the goroutine that receives it", 36,
			report.Facts{Op: "send", Partners: []report.SourceRef{{File: file, Line: 38, Kind: "receive"}}},
			"func start(ch chan int, run func(func())) {\n\trun(func() {\n\t\t<-ch\n\t})\n\tch <- 1\n}\n"},
		{"a Wait inside the loop that starts what it waits for", 49,
			report.Facts{Op: "wait", Partners: []report.SourceRef{{File: file, Line: 47, Kind: "done"}}},
			"\t\t}()\n\t}\n\twg.Wait()\n}\n"},
		{"a partner not started after the wait", 27,
			report.Facts{Op: "send", Partners: []report.SourceRef{{File: file, Line: 16, Kind: "receive"}}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cands := s.moveCandidates(chanGroup(file, tt.line, tt.facts))
			if tt.want == "" {
				if len(cands) > 0 {
					t.Fatalf("a candidate: %s", cands[0].summary)
				}
				return
			}
			if len(cands) != 1 {
				t.Fatalf("%d candidates, want 1", len(cands))
			}
			if got := applyCandidate(t, chanSrc, cands[0]); !strings.Contains(got, tt.want) {
				t.Errorf("edited:\n%s\nwant it to hold:\n%s", got, tt.want)
			}
		})
	}
}

// lineOf is the 1-based line of src that holds text.
func lineOf(t *testing.T, src, text string) int {
	t.Helper()
	i := strings.Index(src, text)
	if i < 0 {
		t.Fatalf("%q is not in the source", text)
	}
	return strings.Count(src[:i], "\n") + 1
}
