package leakcheck

import (
	"reflect"
	"sync"
	"testing"
	"unsafe"

	"github.com/leakhound/leakhound/profile"
)

// How VerifyTestMain names the test behind a goroutine whose creator has
// exited, with no GODEBUG and no Check in the tests.
//
// Before m.Run, VerifyTestMain wraps every test, benchmark and fuzz target
// of the *testing.M so that its goroutine first puts a LabelKey label of its
// own on itself, the value Check would use. The runtime copies labels to
// every goroutine started from there, at any depth and whoever wrote the go
// statement (a helper that returned, a constructor starting its worker
// through sync.WaitGroup.Go or errgroup, a library), so after the tests the
// label of a survivor names its top-level test exactly, under t.Parallel
// and -shuffle too. The wrapper also notes the goroutine ID of each test,
// which names the test for a goroutine that lost its label (pprof.Do with
// context.Background()) but was started on the test's own goroutine.
//
// The tests sit in an unexported field of testing.M; it has had this name
// and type since Go 1.8, and the wrapper checks both before touching it, so
// a future change only turns the naming off (the process-wide check still
// runs). The alternative, re-running the test binary as a child with
// GODEBUG=tracebackancestors, pays on every goroutine the tests create and
// must relay signals, exit codes, coverage and output byte for byte; see
// BENCHMARKS.md.

// testRuns records, for one VerifyTestMain, the goroutine of each test run
// and whether it ran subtests.
type testRuns struct {
	base map[string]string // the labels of the goroutine running TestMain
	mu   sync.Mutex
	byID map[int64]string // test goroutine ID → top-level test name
	subs map[string]bool  // top-level test → ran subtests in some run
}

func newTestRuns() *testRuns {
	return &testRuns{base: ownLabels(), byID: make(map[int64]string), subs: make(map[string]bool)}
}

// wrapTests makes every test, benchmark and fuzz target of m label its
// goroutine. It reports false when m is not a *testing.M of the expected
// shape, and then leaves m as it was.
func (r *testRuns) wrapTests(m TestingM) bool {
	tm, ok := m.(*testing.M)
	if !ok || tm == nil {
		return false
	}
	v := reflect.ValueOf(tm).Elem()
	tests, ok := fieldPtr[[]testing.InternalTest](v, "tests")
	if !ok {
		return false
	}
	wrapped := make([]testing.InternalTest, len(*tests))
	for i, t := range *tests {
		wrapped[i] = testing.InternalTest{Name: t.Name, F: r.wrapT(t.Name, t.F)}
	}
	*tests = wrapped
	if bs, ok := fieldPtr[[]testing.InternalBenchmark](v, "benchmarks"); ok {
		wrapped := make([]testing.InternalBenchmark, len(*bs))
		for i, b := range *bs {
			f := b.F
			wrapped[i] = testing.InternalBenchmark{Name: b.Name, F: func(b *testing.B) {
				r.enter(b.Name())
				f(b)
			}}
		}
		*bs = wrapped
	}
	if fs, ok := fieldPtr[[]testing.InternalFuzzTarget](v, "fuzzTargets"); ok {
		wrapped := make([]testing.InternalFuzzTarget, len(*fs))
		for i, ft := range *fs {
			fn := ft.Fn
			wrapped[i] = testing.InternalFuzzTarget{Name: ft.Name, Fn: func(f *testing.F) {
				r.enter(f.Name())
				fn(f)
			}}
		}
		*fs = wrapped
	}
	return true
}

// wrapT returns f labelling its goroutine first, and noting afterwards
// whether the test ran subtests.
func (r *testRuns) wrapT(name string, f func(*testing.T)) func(*testing.T) {
	return func(t *testing.T) {
		r.enter(name)
		defer r.noteSubtests(name, t)
		f(t)
	}
}

// enter labels the calling test goroutine and notes its ID.
func (r *testRuns) enter(name string) {
	setLabels(r.base, LabelKey, newLabelValue(name))
	id := profile.CurrentID()
	r.mu.Lock()
	r.byID[id] = name
	r.mu.Unlock()
}

// noteSubtests records that t ran subtests, read from the testing
// package's own flag; when the flag cannot be read, it assumes it did, so
// the search for the subtest (see testmain_subtest.go) is not skipped.
func (r *testRuns) noteSubtests(name string, t *testing.T) {
	has := true
	if f := reflect.ValueOf(t).Elem().FieldByName("hasSub"); f.IsValid() && f.Kind() == reflect.Struct {
		if v := f.FieldByName("v"); v.IsValid() && v.CanUint() {
			has = v.Uint() != 0
		}
	}
	if !has {
		return
	}
	r.mu.Lock()
	r.subs[name] = true
	r.mu.Unlock()
}

// testOf returns the top-level test that ran on goroutine id, or "".
func (r *testRuns) testOf(id int64) string {
	if r == nil {
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byID[id]
}

// hadSubtests reports whether the top-level test ran subtests.
func (r *testRuns) hadSubtests(name string) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.subs[name]
}

// fieldPtr returns a pointer to the unexported field name of the struct v
// when it has type T.
func fieldPtr[T any](v reflect.Value, name string) (*T, bool) {
	f := v.FieldByName(name)
	if !f.IsValid() || f.Type() != reflect.TypeFor[T]() || !f.CanAddr() {
		return nil, false
	}
	return (*T)(unsafe.Pointer(f.UnsafeAddr())), true
}

// startedOn names the test whose own goroutine started g, for a goroutine
// without a label (it replaced it with pprof.Do, or its go statement ran
// outside any labelled goroutine): "", "" when no test goroutine did.
func (r *testRuns) startedOn(g *profile.Goroutine) (test, how string) {
	if name := r.testOf(g.ParentID); name != "" {
		return name, byCreator
	}
	for _, a := range g.Ancestors {
		if name := r.testOf(a.ID); name != "" {
			return name, byAncestors
		}
	}
	return "", ""
}
