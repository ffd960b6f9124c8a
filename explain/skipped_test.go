package explain

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

const skippedSource = `package x

import "errors"

type box struct{ ch chan int }

func (b *box) wait() int {
	return <-b.ch // mark:wait
}

func start(b *box, fail bool) error {
	if fail {
		return errors.New("no") // mark:exit
	}
	go func() { // mark:go
		b.ch <- 1
	}()
	return nil
}

type held struct{ ch chan int }

func (h *held) wait() int {
	return <-h.ch // mark:wait2
}

func startDeferred(h *held, fail bool) error {
	defer close(h.ch)
	if fail {
		return errors.New("no")
	}
	return nil
}
`

// TestSkippedRelease names the early exit that keeps the releasing
// statement (here the go statement that would start its sender) from
// running, and names none when the release is deferred.
func TestSkippedRelease(t *testing.T) {
	path, m := writeSource(t, skippedSource)
	tests := []struct {
		name, fn, mark string
		want           string // a fragment of the summary, "" for none
	}{
		{"go statement after a return", "(*box).wait", "wait", "the return at x.go:" + itoa(m["exit"]) +
			" can leave start before the go statement at line " + itoa(m["go"])},
		{"deferred close", "(*held).wait", "wait2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &profile.Goroutine{State: "chan receive", Frames: []profile.Frame{
				{Func: "example.com/x." + tt.fn, File: path, Line: m[tt.mark]}}}
			r := explained([]report.Leak{{Goroutine: g}}, report.Options{ModuleRoot: filepath.Dir(path)}, Options{NoTypes: true})
			sum := r.Groups[0].Diagnosis.Summary
			if tt.want == "" && strings.Contains(sum, "can leave") {
				t.Errorf("names an exit for a deferred release: %s", sum)
			}
			if tt.want != "" && !strings.Contains(sum, tt.want) {
				t.Errorf("summary %q does not hold %q", sum, tt.want)
			}
		})
	}
}
