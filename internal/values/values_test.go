package values

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const flowSrc = `package flow

import (
	"context"
	"time"
)

type A struct{ ch chan int }
type B struct{ ch chan int }
type R struct{ errChan chan error }
type M struct{ errChan chan error }

func newA() *A { return &A{ch: make(chan int)} }
func newB() *B { return &B{ch: make(chan int, 1)} }

func wire(r *R, cm *M) { r.errChan = cm.errChan }

func consume(c chan int) { <-c }

func start(a *A) { go consume(a.ch) }

func mk() chan error { return make(chan error) }

func setup(cm *M) { cm.errChan = mk() }

func bg() { run(context.Background()) }

func timers() (<-chan time.Time, <-chan time.Time) { return time.After(1), time.After(2) }
func run(ctx context.Context) { <-ctx.Done() }
`

// at returns the key of the first expression text want in the file.
func at(t *testing.T, p *Package, path, src, want string) string {
	t.Helper()
	off := strings.Index(src, want)
	if off < 0 {
		t.Fatalf("%q not in source", want)
	}
	k := p.ValueAt(path, off, off+len(want))
	if k == "" {
		t.Fatalf("no value key for %q", want)
	}
	return k
}

func TestUnionFollowsValues(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/flow\n\ngo 1.22\n")
	write("flow.go", flowSrc)
	pkgs, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := pkgs[0]
	if len(p.Errors) > 0 {
		t.Fatalf("type errors: %v", p.Errors)
	}
	u := NewUnion()
	u.Add(p)
	path := filepath.Join(dir, "flow.go")
	aCh := at(t, p, path, flowSrc, "a.ch")
	recv := strings.Index(flowSrc, "<-c") + 2
	param := p.ValueAt(path, recv, recv+1)
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"go statement argument and parameter", aCh, param, true},
		{"field of one type and same-named field of another", "f:example.com/flow.A.ch", "f:example.com/flow.B.ch", false},
		{"assignment across types", "f:example.com/flow.R.errChan", "f:example.com/flow.M.errChan", true},
		{"result of a call", "f:example.com/flow.R.errChan", "r:example.com/flow.mk#0", true},
		{"two calls into a package without source", at(t, p, path, flowSrc, "time.After(1)"), at(t, p, path, flowSrc, "time.After(2)"), false},
	}
	for _, tt := range tests {
		if got := u.Same(tt.a, tt.b); got != tt.same {
			t.Errorf("%s: Same(%s, %s) = %v, want %v", tt.name, tt.a, tt.b, got, tt.same)
		}
	}
	for _, m := range []struct {
		key    string
		line   int
		buffer string
	}{{"f:example.com/flow.A.ch", 13, ""}, {"f:example.com/flow.B.ch", 14, "1"}, {"f:example.com/flow.R.errChan", 22, ""}} {
		ms := u.Makes(m.key)
		if len(ms) != 1 || ms[0].Line != m.line || ms[0].Buffer != m.buffer {
			t.Errorf("Makes(%s) = %+v, want one at line %d with buffer %q", m.key, ms, m.line, m.buffer)
		}
	}
	again, err := Load(dir)
	if err != nil || again[0] != p {
		t.Errorf("a second Load did not return the cached package: %v", err)
	}
}

func TestLoadFails(t *testing.T) {
	dir := t.TempDir() // no go.mod: go list has no module to list in
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte("package x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil {
		t.Error("Load of a directory outside any module succeeded; want an error to fall back on")
	}
	if _, err := Load(filepath.Join(os.TempDir(), "pkg", "mod", "example.com", "x@v1.0.0")); err != errModCache {
		t.Errorf("Load of a module-cache directory: %v, want %v", err, errModCache)
	}
}

// dispatchSrc sends values through an interface call, a conversion and
// function values; the comments name what each must join.
const dispatchSrc = `package flow

type Sink interface{ Put(int) }

// chanSink is a channel with a method: its receiver is the channel.
type chanSink chan<- int

func (s chanSink) Put(v int) { s <- v }

type other struct{}

func (other) Put(int) {}

func NewSink(c chan<- int) Sink { return chanSink(c) } // conversion, then interface

func produce(s Sink) { s.Put(1) } // dispatch: s is chanSink.Put's receiver

func pipe() {
	ch := make(chan int)
	go produce(NewSink(ch))
	for range ch {
	}
}

type waitFunc func(done <-chan struct{}) <-chan struct{}

func waitFor(wait waitFunc, done <-chan struct{}) { <-wait(done) }

func poll() {
	stop := make(chan struct{})
	defer close(stop)
	var got <-chan struct{}
	waitFor(func(done <-chan struct{}) <-chan struct{} { // a literal passed on and called through a parameter
		got = done
		return done
	}, stop)
	<-got
}

type hook struct{ fn func(chan int) }

func hooked() {
	h := hook{fn: func(c chan int) { <-c }} // a literal kept in a field and called through it
	work := make(chan int)
	h.fn(work)
	unrelated := make(chan int)
	_ = unrelated
}
`

func TestUnionFollowsDynamicCalls(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	for name, text := range map[string]string{"go.mod": "module example.com/flow\n\ngo 1.22\n", "flow.go": dispatchSrc} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkgs, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := pkgs[0]
	if len(p.Errors) > 0 {
		t.Fatalf("type errors: %v", p.Errors)
	}
	u := NewUnion()
	u.Add(p)
	path := filepath.Join(dir, "flow.go")
	// key returns the key of target inside the unique text around.
	key := func(around, target string) string {
		t.Helper()
		if strings.Count(dispatchSrc, around) != 1 {
			t.Fatalf("%q is not once in the source", around)
		}
		off := strings.Index(dispatchSrc, around) + strings.Index(around, target)
		k := p.ValueAt(path, off, off+len(target))
		if k == "" {
			t.Fatalf("no value key for %q in %q", target, around)
		}
		return k
	}
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"a method's receiver reached through a conversion and an interface call", key("s <- v", "s"), key("range ch", "ch"), true},
		{"a func literal's parameter called through a parameter of function type", key("<-got", "got"), key("close(stop)", "stop"), true},
		{"a func literal's parameter called through a field", key("{ <-c }", "c"), key("h.fn(work)", "work"), true},
		{"another channel", key("{ <-c }", "c"), key("_ = unrelated", "unrelated"), false},
	}
	for _, tt := range tests {
		if got := u.Same(tt.a, tt.b); got != tt.same {
			t.Errorf("%s: Same(%s, %s) = %v, want %v", tt.name, tt.a, tt.b, got, tt.same)
		}
	}
}
