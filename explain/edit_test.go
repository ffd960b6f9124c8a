package explain

import (
	"bytes"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// editSource holds one function per edit rule; "// mark:NAME" names the
// line a test's goroutine blocks at, and "// go:NAME" the go statement
// that started it.
const editSource = `package x

import (
	"context"
	"sync"
	"time"
)

type result struct{ n int }

func fanOut(shards []string) result {
	out := make(chan result)
	for range shards {
		go func() { // go:fanout
			out <- result{} // mark:fanout
		}()
	}
	return <-out
}

func workers(n int) {
	done := make(chan bool)
	for i := 0; i < n; i++ {
		go func() { // go:workers
			done <- true // mark:workers
		}()
	}
}

func follow(ctx context.Context, in chan result) (int, error) {
	v := <-in // mark:follow
	return v.n, nil
}

func loop(ctx context.Context, a, b chan int) {
	t := time.NewTicker(time.Second)
	for {
		select { // mark:loop
		case <-a:
		case <-t.C:
		}
	}
}

func noCtx(a chan int) {
	for {
		select { // mark:noctx
		case <-a:
		}
	}
}

func group(items []int, fail func(int) bool) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			if fail(it) {
				return
			}
			wg.Done()
		}()
	}
	wg.Wait() // mark:wait
}

type store struct {
	mu sync.Mutex
	n  int
}

func (s *store) take(k int) error {
	s.mu.Lock() // mark:take
	if s.n < k {
		return nil
	}
	s.n -= k
	s.mu.Unlock()
	return nil
}

func (s *store) twice(drain bool) {
	s.mu.Lock()
	if drain {
		s.mu.Lock() // mark:twice
		return
	}
	s.mu.Unlock()
}

func (s *store) read() int {
	s.mu.Lock() // mark:read
	defer s.mu.Unlock()
	return s.n
}

func (s *store) publish(ch chan int, v int) {
	s.mu.Lock()
	ch <- v // mark:publish
	s.mu.Unlock()
}

type proxy struct{ mu sync.Mutex }

func (p *proxy) run(dial func() error) {
	for {
		p.mu.Lock() // mark:proxy
		if err := dial(); err != nil {
			continue
		}
		break
	}
	p.mu.Unlock()
}

type redial struct{ mu sync.Mutex }

func (p *redial) retry(dial func() error) {
	for i := 0; i < 2; i++ {
		p.mu.Lock() // mark:retry
		if err := dial(); err != nil {
			continue
		}
		break
	}
	p.mu.Unlock()
}

type session struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func open(ctx context.Context) *session {
	ctx, cancel := context.WithCancel(ctx)
	s := &session{ctx: ctx, cancel: cancel}
	go s.watch() // go:watch
	return s
}

func (s *session) watch() {
	<-s.ctx.Done() // mark:watch
}

func (s *session) stop()  { s.cancel() }
func (s *session) Close() { s.stop() }

func useSession(ctx context.Context) {
	sess := open(ctx)
	_ = sess.ctx
}

func keepSession(ctx context.Context) *session {
	kept := open(ctx)
	return kept
}

type pool struct{ cancel context.CancelFunc }

func newPool(ctx context.Context) *pool {
	p := &pool{}
	ctx, p.cancel = context.WithCancel(ctx)
	go func() { // go:pool
		<-ctx.Done() // mark:pool
	}()
	return p
}

func (p *pool) Shutdown(ctx context.Context) error { p.cancel(); return nil }

func sharedPool() *pool {
	p := newPool(context.Background())
	return p
}

func feed(items []int) {
	jobs := make(chan int)
	go func() {
		for j := range jobs { // mark:range
			_ = j
		}
	}()
	go func() { // go:feed
		for _, it := range items {
			jobs <- it
		}
	}()
}
`

// TestSuggestedEdits checks each edit rule on editSource: the one-line
// display of every edit, or why there is none, and that applying a
// suggestion leaves the file parsable and gofmt-clean.
func TestSuggestedEdits(t *testing.T) {
	checkEditCases(t, editSource, []editCase{
		{"buffer for a go statement per slice element", "fanout", "chan send", "x.fanOut.func1", "fanout",
			[]string{"out := make(chan result) → make(chan result, len(shards))"}, "", ""},
		{"buffer for a go statement per counted turn", "workers", "chan send", "x.workers.func1", "workers",
			[]string{"done := make(chan bool) → make(chan bool, n)"}, "", ""},
		{"receive in a select on the context parameter", "follow", "chan receive", "x.follow", "",
			[]string{"v := <-in → var v result; select { case v = <-in: case <-ctx.Done(): return 0, ctx.Err() }"}, "", ""},
		{"a Done case and the ticker stopped", "loop", "select", "x.loop", "",
			[]string{"+ defer t.Stop()", "+ case <-ctx.Done(): return"}, "", ""},
		{"no context in scope is said", "noctx", "select", "x.noCtx", "", nil, "", "no context is in scope"},
		{"defer wg.Done", "wait", "sync.WaitGroup.Wait", "x.group", "", []string{"+ defer wg.Done()", "- wg.Done()"}, "", ""},
		{"defer Unlock after an early return", "take", "sync.Mutex.Lock", "x.(*store).take", "",
			[]string{"+ defer s.mu.Unlock()", "- s.mu.Unlock()"}, "", ""},
		{"a second Lock is an Unlock", "twice", "sync.Mutex.Lock", "x.(*store).twice", "",
			[]string{"s.mu.Lock() → s.mu.Unlock()"}, "", ""},
		// take's early return skips its Unlock; twice's return after a
		// second Lock is double locking, not a skipped Unlock.
		{"unlock before the early exit of another function", "read", "sync.Mutex.Lock", "x.(*store).read", "",
			[]string{"+ s.mu.Unlock()"}, "", ""},
		{"unlock before the send", "publish", "chan send", "x.(*store).publish", "",
			[]string{"+ s.mu.Unlock()", "- s.mu.Unlock()"}, "", ""},
		// The continue starts the next turn, which locks again; the break
		// reaches the Unlock after the loop.
		{"unlock before a continue that skips the unlock after the loop", "proxy", "sync.Mutex.Lock",
			"x.(*proxy).run", "", []string{"+ p.mu.Unlock()"}, "", ""},
		// Unlocking before the continue would make the last turn's exit
		// by the condition unlock an unlocked mutex.
		{"no unlock before a continue of a loop that ends by its condition", "retry", "sync.Mutex.Lock",
			"x.(*redial).retry", "", nil, "", "the loop can also end by its condition"},
		// The cancel kept in the session is called by Close (through
		// stop); the session returned by keepSession is its caller's.
		{"call the owner's closer where it is created", "watch", "chan receive", "x.(*session).watch", "watch",
			[]string{"+ defer sess.Close()"}, "", ""},
		{"no closer call where the owner escapes", "pool", "chan receive", "x.newPool.func1", "pool",
			nil, "", "p is returned, so its owner is elsewhere and must call Shutdown"},
		{"close the channel when its only sender returns", "range", "chan receive", "x.feed.func1", "",
			[]string{"+ defer close(jobs)"}, "", ""},
	})
}

// TestApplyEditsRefusesStaleEdits checks that an edit whose old text is
// no longer at its offsets is refused, and that overlapping edits are.
func TestApplyEditsRefusesStaleEdits(t *testing.T) {
	src := []byte("a := make(chan int)\n")
	tests := []struct {
		name  string
		edits []report.Edit
		want  string
	}{
		{"applies", []report.Edit{{Start: 18, End: 18, New: ", 1"}}, ""},
		{"stale", []report.Edit{{Start: 5, End: 9, Old: "mike", New: "make"}}, "changed since the report"},
		{"overlapping", []report.Edit{{Start: 0, End: 4, Old: "a :=", New: "b :="}, {Start: 2, End: 4, Old: ":=", New: "="}}, "overlaps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := report.ApplyEdits(src, tt.edits)
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want == "" && string(out) != "a := make(chan int, 1)\n":
				t.Errorf("got %q", out)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// editCase is one goroutine of a marked source and the edit it should
// get: "// mark:NAME" is where it blocks, "// go:NAME" the go statement
// that started it.
type editCase struct {
	name, mark, state, fn string
	createdBy             string // the go: marker, "" when not started there
	want                  []string
	fix                   string // a part of the diagnosis's fix
	noEdit                string // with no want: why there is none
}

// checkEditCases diagnoses each case's goroutine in src and checks its
// edit lines, its fix and that the edited file is gofmt-clean, or why it
// gets no edit.
func checkEditCases(t *testing.T, source string, cases []editCase) {
	t.Helper()
	path, marks := writeSource(t, source)
	lines := strings.Split(source, "\n")
	goLine := func(name string) int {
		for i, l := range lines {
			if strings.Contains(l, "// go:"+name) {
				return i + 1
			}
		}
		return 0
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			g := &profile.Goroutine{ID: 1, State: tt.state,
				Frames: []profile.Frame{{Func: tt.fn, File: path, Line: marks[tt.mark]}}}
			if tt.createdBy != "" {
				g.CreatedBy = &profile.Frame{Func: strings.TrimSuffix(tt.fn, ".func1"), File: path, Line: goLine(tt.createdBy)}
			}
			rep := explained([]report.Leak{{Goroutine: g}}, report.Options{ModuleRoot: filepath.Dir(path)}, Options{})
			d := rep.Groups[0].Diagnosis
			if tt.want == nil {
				if d.Suggestion != nil || !strings.Contains(d.NoEdit, tt.noEdit) {
					t.Fatalf("want no edit saying %q, got %+v / %q", tt.noEdit, d.Suggestion, d.NoEdit)
				}
				return
			}
			if d.Suggestion == nil {
				t.Fatalf("no edit (%s): %s", d.NoEdit, d.Summary)
			}
			if got := strings.Join(d.Suggestion.Lines, "\n"); got != strings.Join(tt.want, "\n") {
				t.Errorf("edits:\n%s\nwant:\n%s", got, strings.Join(tt.want, "\n"))
			}
			if !strings.Contains(d.Fix, tt.fix) {
				t.Errorf("fix %q, want it to say %q", d.Fix, tt.fix)
			}
			out, err := report.ApplyEdits(src, d.Suggestion.Edits)
			if err != nil {
				t.Fatal(err)
			}
			if formatted, err := format.Source(out); err != nil || !bytes.Equal(formatted, out) {
				t.Errorf("the edited source is not gofmt-clean (%v):\n%s", err, out)
			}
		})
	}
}

// TestRuleSummaries checks the summaries the edit rules put in place of
// the general reading of a wait, where that reading says what the code
// contradicts: "nothing called Stop" for a stop channel whose one send may
// well have run (releasing one worker of several), and for a goroutine
// that waits only to cancel its caller's context (what it waits for may
// come, late; every call leaves one behind meanwhile).
func TestRuleSummaries(t *testing.T) {
	for _, tt := range []struct {
		name, source, fn, mark, state, goMark string
		want                                  string
	}{
		{"one send for several waiters", stopCloseSource, "x.(*pool).worker", "pool", "select", "pool",
			"a send leaves the others waiting whether it ran or not"},
		{"a wait only to cancel", deferCancelSource, "x.(*agent).checks.func1", "checks", "chan receive", "checks",
			"each call leaves one more goroutine blocked here"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := diagnoseMark(t, tt.source, tt.fn, tt.mark, tt.state, tt.goMark)
			if d.Suggestion == nil {
				t.Fatalf("no edit (%s): %s", d.NoEdit, d.Summary)
			}
			if strings.Contains(d.Summary, "nothing called") || !strings.Contains(d.Summary, tt.want) {
				t.Errorf("summary %q, want it to say %q", d.Summary, tt.want)
			}
		})
	}
}

// diagnoseMark diagnoses one goroutine of fn blocked (in state) at the
// line of source marked mark, started by the go statement marked goMark.
func diagnoseMark(t *testing.T, source, fn, mark, state, goMark string) report.Diagnosis {
	t.Helper()
	path, marks := writeSource(t, source)
	goLine := markedLine(t, source, "// go:"+goMark)
	g := &profile.Goroutine{ID: 1, State: state,
		Frames:    []profile.Frame{{Func: fn, File: path, Line: marks[mark]}},
		CreatedBy: &profile.Frame{Func: strings.TrimSuffix(fn, ".func1"), File: path, Line: goLine}}
	return explained([]report.Leak{{Goroutine: g}}, report.Options{ModuleRoot: filepath.Dir(path)}, Options{}).Groups[0].Diagnosis
}
