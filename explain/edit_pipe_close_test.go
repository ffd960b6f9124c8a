package explain

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// pipeSource holds a pipe whose writer an early return leaves open, and a
// near miss whose writer a goroutine of its own writes to; "// mark:NAME"
// is the reader's line and "// go:NAME" its go statement.
const pipeSource = `package x

import "io"

func upload(r io.Reader) {
	_, _ = io.Copy(io.Discard, r) // mark:upload
}

// push returns on a failed prepare without closing pw.
func push(prepare func() error, write func(io.Writer) error) error {
	pr, pw := io.Pipe()
	go upload(pr) // go:push
	if err := prepare(); err != nil {
		return err
	}
	err := write(pw)
	pw.CloseWithError(err)
	return err
}

// stream hands pw to a goroutine of its own, which writes after stream
// returns: a deferred close there would cut it short.
func stream(prepare func() error, write func(io.Writer) error) error {
	pr, pw := io.Pipe()
	go upload(pr) // go:stream
	if err := prepare(); err != nil {
		return err
	}
	go func() {
		pw.CloseWithError(write(pw))
	}()
	return nil
}
`

// TestPipeCloseEdits checks that a pipe's writer gets a deferred Close
// after io.Pipe() when its maker can return without closing it, and not
// when a goroutine writes to it.
func TestPipeCloseEdits(t *testing.T) {
	path, marks := writeSource(t, pipeSource)
	lines := strings.Split(pipeSource, "\n")
	goLine := func(name string) int {
		for i, l := range lines {
			if strings.Contains(l, "// go:"+name) {
				return i + 1
			}
		}
		return 0
	}
	for _, tt := range []struct {
		name, creator, goMark, want, fix string
	}{
		{"defer the writer's close", "x.push", "push", "+ defer pw.Close()", "defer pw.Close() right after io.Pipe() (line 11)"},
		{"no close of a writer a goroutine uses", "x.stream", "stream", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := &profile.Goroutine{ID: 1, State: "select",
				Frames: []profile.Frame{
					{Func: "io.(*pipe).read", File: "/usr/local/go/src/io/pipe.go", Line: 57},
					{Func: "io.(*PipeReader).Read", File: "/usr/local/go/src/io/pipe.go", Line: 134},
					{Func: "io.Copy", File: "/usr/local/go/src/io/io.go", Line: 388},
					{Func: "x.upload", File: path, Line: marks["upload"]},
				},
				CreatedBy: &profile.Frame{Func: tt.creator, File: path, Line: goLine(tt.goMark)}}
			rep := explained([]report.Leak{{Goroutine: g}}, report.Options{ModuleRoot: filepath.Dir(path)}, Options{})
			d := rep.Groups[0].Diagnosis
			if tt.want == "" {
				if d.Suggestion != nil {
					t.Fatalf("want no edit, got %v", d.Suggestion.Lines)
				}
				return
			}
			if d.Suggestion == nil {
				t.Fatalf("no edit (%s): %s", d.NoEdit, d.Summary)
			}
			if got := strings.Join(d.Suggestion.Lines, "\n"); got != tt.want {
				t.Errorf("edits %q, want %q", got, tt.want)
			}
			if !strings.Contains(d.Fix, tt.fix) {
				t.Errorf("fix %q, want it to say %q", d.Fix, tt.fix)
			}
		})
	}
}
