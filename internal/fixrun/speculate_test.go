package fixrun

import (
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

func TestBufferCandidate(t *testing.T) {
	src := "package p\n\nfunc f() {\n\tch := make(chan error)\n\tgo func() { ch <- nil }()\n}\n"
	file := filepath.Join(t.TempDir(), "p.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		facts report.Facts
		want  string // the file with the edit applied; "" for no candidate
	}{
		{name: "unbuffered send", facts: report.Facts{Op: "send", Object: "ch", Make: &report.SourceRef{File: file, Line: 4, Text: "ch := make(chan error)"}},
			want: "ch := make(chan error, 1)"},
		{name: "already buffered", facts: report.Facts{Op: "send", Make: &report.SourceRef{File: file, Line: 4}, Buffer: "1"}},
		{name: "a receive", facts: report.Facts{Op: "receive", Make: &report.SourceRef{File: file, Line: 4}}},
		{name: "make not found", facts: report.Facts{Op: "send", Make: &report.SourceRef{File: file, Line: 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := bufferCandidate(&report.Group{Diagnosis: report.Diagnosis{Facts: tt.facts}})
			if tt.want == "" {
				if c != nil {
					t.Fatalf("got a candidate %+v, want none", c.edits)
				}
				return
			}
			if c == nil {
				t.Fatal("no candidate")
			}
			out, err := report.ApplyEdits([]byte(src), c.edits)
			if err != nil || !strings.Contains(string(out), tt.want) {
				t.Errorf("edited: %v\n%s", err, out)
			}
		})
	}
}

func TestContextCandidates(t *testing.T) {
	const src = `package p

import "context"

func watch(ctx context.Context) <-chan error { return nil }

func loop(ctx context.Context) {
	<-watch(context.Background())
	go func() {
		<-watch(context.TODO())
	}()
}

func noContext() {
	<-watch(context.Background())
}

func named(parent context.Context) {
	f := func(inner context.Context) { <-watch(context.Background()) }
	f(parent)
}
`
	module := t.TempDir()
	file := filepath.Join(module, "p.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &session{module: module}
	g := &report.Group{Block: profile.Frame{File: file, Line: 5}}
	var got []string
	for _, c := range s.contextCandidates(g) {
		out, err := report.ApplyEdits([]byte(src), c.edits)
		if err != nil {
			t.Fatal(err)
		}
		for l := range strings.SplitSeq(string(out), "\n") {
			if !strings.Contains(src, l) {
				got = append(got, strings.TrimSpace(l))
			}
		}
	}
	want := []string{"<-watch(ctx)", "<-watch(ctx)", "f := func(inner context.Context) { <-watch(inner) }"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("edited lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c := (&session{module: t.TempDir()}).contextCandidates(g); len(c) > 0 {
		t.Errorf("%d candidates for a file outside the module", len(c))
	}
}

func TestDeferCancel(t *testing.T) {
	const src = `package p

import "context"

func leaky(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	_ = ctx
	if false {
		cancel()
	}
}

func fine(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 0)
	defer cancel()
	_ = ctx
}

func cause(ctx context.Context) {
	_, stop := context.WithCancelCause(ctx)
	_ = stop
}
`
	file := filepath.Join(t.TempDir(), "p.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cands := deferCancel(file)
	var got []string
	for _, c := range cands {
		out, err := report.ApplyEdits([]byte(src), c.edits)
		if err != nil {
			t.Fatal(err)
		}
		if formatted, err := format.Source(out); err != nil || string(formatted) != string(out) {
			t.Errorf("the edited file is not gofmt-clean (%v):\n%s", err, out)
		}
		got = append(got, c.lines...)
	}
	if want := []string{"+ defer cancel()", "+ defer stop(nil)"}; !slices.Equal(got, want) {
		t.Errorf("candidates %q, want %q", got, want)
	}
}

func TestCloserCandidates(t *testing.T) {
	const src = `package p

import "errors"

type backend struct{ stopc chan struct{} }

func newBackend() *backend {
	b := &backend{stopc: make(chan struct{})}
	go b.run()
	return b
}

func openBackend() (*backend, error) { return newBackend(), errors.New("x") }

func (b *backend) run()   { <-b.stopc }
func (b *backend) Close() { close(b.stopc) }

func use(*backend) {}

func Run() {
	b := newBackend()
	use(b)
}

func Open() error {
	b, err := openBackend()
	if err != nil {
		return err
	}
	use(b)
	return nil
}

func Closed() {
	b := newBackend()
	defer b.Close()
}
`
	module := t.TempDir()
	file := filepath.Join(module, "p.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	g := &report.Group{Diagnosis: report.Diagnosis{Facts: report.Facts{Closer: &report.Closer{
		Type: "backend", Pointer: true, Method: "Close", Recv: "b", At: report.SourceRef{File: file, Line: 16}}}}}
	var got []string
	for _, c := range (&session{module: module}).closerCandidates(g) {
		out, err := report.ApplyEdits([]byte(src), c.edits)
		if err != nil {
			t.Fatal(err)
		}
		if formatted, err := format.Source(out); err != nil || string(formatted) != string(out) {
			t.Errorf("the edited file is not gofmt-clean (%v):\n%s", err, out)
		}
		got = append(got, fmt.Sprintf("%d %s", c.edits[0].Line, c.lines[0]))
	}
	// Run's b gets one right after it is made; Open's after its error
	// check; newBackend returns b and Closed already closes it.
	if want := []string{"21 + defer b.Close()", "29 + defer b.Close()"}; !slices.Equal(got, want) {
		t.Errorf("candidates %q, want %q", got, want)
	}
}
