package explain

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/leakhound/leakhound/internal/judge"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// cancelSource waits on contexts whose cancel functions are kept in a
// field, derived from a parent, or belong to another context.
const cancelSource = `package x

import (
	"context"
	"time"
)

type tx struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func begin(ctx context.Context) *tx {
	ctx, cancel := context.WithCancel(ctx) // the variable now holds the derived context
	t := &tx{ctx: ctx, cancel: cancel}
	go t.await()
	return t
}

func (t *tx) await() {
	<-t.ctx.Done() // mark:bare
}

func (t *tx) close() { t.cancel() } // mark:fieldcancel

type worker struct{ stop func() }

func run(in <-chan int) *worker {
	parent, stop := context.WithCancel(context.Background())
	w := &worker{stop: stop}
	go func() {
		ctx, cancel := context.WithTimeout(parent, time.Hour)
		defer cancel() // mark:childcancel
		select { // mark:select
		case <-ctx.Done():
		case <-in:
		}
	}()
	return w
}

func (w *worker) Stop() { w.stop() } // mark:parentcancel

func Begin() *tx { return begin(context.Background()) }

func derive(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	return ctx, cancel
}

func parentWait(ctx context.Context) {
	_, cancel := derive(ctx)
	defer cancel() // cancels the derived context, not ctx
	<-ctx.Done() // mark:parentwait
}

func unrelated() {
	_, cancel := context.WithCancel(context.Background())
	cancel() // mark:othercancel
}
`

// TestCancelPartners checks that a wait on a context's Done names, as its
// partners, the calls of that context's cancel function wherever it was
// kept, and of its parent's, and no other context's (nor a child's, when
// the child was assigned to the parent's variable); and that the judge
// confirms each.
func TestCancelPartners(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	path, m := writeSource(t, cancelSource)
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "go.mod"), []byte("module example.com/x\n\ngo 1.22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lines := func(refs []report.SourceRef) []int {
		var out []int
		for _, r := range refs {
			if r.Kind == "cancel" {
				out = append(out, r.Line)
			}
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		name, fn, mark, state string
		want                  []int
	}{
		{"a bare wait, the cancel kept in a field", "(*tx).await", "bare", "chan receive", []int{m["fieldcancel"]}},
		{"a select, the context's own cancel and its parent's", "run.func1", "select", "select", []int{m["childcancel"], m["parentcancel"]}},
		{"the parent of a context derived into a variable of the same name", "parentWait", "parentwait", "chan receive", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &profile.Goroutine{State: tt.state, Frames: []profile.Frame{{Func: "example.com/x." + tt.fn, File: path, Line: m[tt.mark]}}}
			r := explained([]report.Leak{{Goroutine: g}}, report.Options{ModuleRoot: filepath.Dir(path)}, Options{})
			grp := r.Groups[0]
			f := grp.Diagnosis.Facts
			got := lines(f.Partners)
			if f.Select != nil {
				for _, c := range f.Select.Cases {
					got = append(got, lines(c.Partners)...)
				}
				slices.Sort(got)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("cancel partners at lines %v, want %v (facts %+v)", got, tt.want, f)
			}
			v := judge.Judge(t, r, grp)
			if len(v.Contradicted) > 0 || v.Confirmed != len(tt.want) {
				t.Errorf("the judge confirmed %d of %d, contradicted %q", v.Confirmed, len(tt.want), v.Contradicted)
			}
		})
	}
	// The judge tells another context's cancel apart.
	j := judge.Load(t, path)
	if j == nil {
		t.Fatal("the judge did not load the package")
	}
	for mark, want := range map[string]bool{"fieldcancel": true, "othercancel": false} {
		got, ok := j.MayCancelAt(path, m[mark], m["bare"])
		if !ok {
			t.Fatalf("not one cancel call at %s and one receive at the bare wait", mark)
		}
		if got != want {
			t.Errorf("the judge says the cancel at %s may cancel the waited context: %v, want %v", mark, got, want)
		}
	}
}
