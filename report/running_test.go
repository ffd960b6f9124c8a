package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// TestStillRunningWording: a goroutine that was running or runnable when
// the check stopped waiting is not blocked, and every format says so
// instead of showing its state where a blocking reason stands.
func TestStillRunningWording(t *testing.T) {
	for _, state := range []string{"runnable", "running"} {
		g := &profile.Goroutine{
			ID:    9,
			State: state,
			Frames: []profile.Frame{
				{Func: "example.com/p.spin", File: "/src/p/spin.go", Line: 12},
			},
			CreatedBy: &profile.Frame{Func: "example.com/p.TestSpin", File: "/src/p/spin_test.go", Line: 30},
		}
		r := New([]Leak{{Goroutine: g, Test: "TestSpin", Attribution: "label"}}, Options{Title: "TestSpin", NoSource: true})
		writers := []struct {
			format string
			write  func(*bytes.Buffer) error
			want   []string
			never  []string
		}{
			{"text", func(b *bytes.Buffer) error { return r.WriteText(b) },
				[]string{"1 × still running (" + state + ") at", "busy, or slower than the settle budget"},
				[]string{"× " + state + " at"}},
			{"JSON", func(b *bytes.Buffer) error { return r.WriteJSON(b) },
				[]string{`"reason": "running"`, "still running at", "busy, or slower than the settle budget"}, nil},
			{"HTML", func(b *bytes.Buffer) error { return r.WriteHTML(b) },
				[]string{"still running", "busy, or slower than the settle budget"}, nil},
		}
		for _, w := range writers {
			var b bytes.Buffer
			if err := w.write(&b); err != nil {
				t.Fatalf("%s, %s: %v", state, w.format, err)
			}
			out := b.String()
			for _, s := range w.want {
				if !strings.Contains(out, s) {
					t.Errorf("%s, %s: %q missing from:\n%s", state, w.format, s, clip(out))
				}
			}
			for _, s := range w.never {
				if strings.Contains(out, s) {
					t.Errorf("%s, %s: %q worded as a blocking reason:\n%s", state, w.format, s, clip(out))
				}
			}
		}
	}
}

// clip keeps a failure message readable.
func clip(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}
