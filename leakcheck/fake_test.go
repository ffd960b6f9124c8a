package leakcheck

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// fakeTB stands in for a test so that a leaking scenario can be checked
// without failing the real test: it records errors and logs, and runs its
// cleanups when told to. Everything else goes to the real test it embeds.
type fakeTB struct {
	testing.TB
	name string
	// parent is the test this one is a subtest of, nil for none.
	parent *fakeTB

	mu       sync.Mutex
	errors   []string
	logs     []string
	cleanups []func()
}

func newFakeTB(t testing.TB, name string) *fakeTB {
	return &fakeTB{TB: t, name: name}
}

// newFakeSubTB returns a fake subtest of parent, named parent's name, "/"
// and name.
func newFakeSubTB(t testing.TB, parent *fakeTB, name string) *fakeTB {
	return &fakeTB{TB: t, name: parent.name + "/" + name, parent: parent}
}

func (f *fakeTB) leakcheckParent() testing.TB {
	if f.parent == nil {
		return nil
	}
	return f.parent
}

func (f *fakeTB) Name() string { return f.name }
func (f *fakeTB) Helper()      {}

func (f *fakeTB) Error(args ...any) { f.record(&f.errors, fmt.Sprint(args...)) }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.record(&f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.record(&f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Log(args ...any) { f.record(&f.logs, fmt.Sprint(args...)) }
func (f *fakeTB) Logf(format string, args ...any) {
	f.record(&f.logs, fmt.Sprintf(format, args...))
}

func (f *fakeTB) record(to *[]string, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	*to = append(*to, msg)
}

func (f *fakeTB) Cleanup(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleanups = append(f.cleanups, fn)
}

// runCleanups runs the registered cleanups, last first, as the testing
// package does at the end of a test.
func (f *fakeTB) runCleanups() {
	f.mu.Lock()
	fns := f.cleanups
	f.cleanups = nil
	f.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
}

func (f *fakeTB) failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.errors) > 0
}

func (f *fakeTB) errorText() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.errors, "\n")
}

func (f *fakeTB) logText() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.logs, "\n")
}
