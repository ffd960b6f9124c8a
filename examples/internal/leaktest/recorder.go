package leaktest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Recorder is a testing.TB that records errors instead of failing the test
// it wraps, and runs its cleanups only when told to. It lets a test watch
// leakcheck.Check fail a leaky scenario without failing itself. Everything
// else (Helper, TempDir, …) goes to the wrapped test.
type Recorder struct {
	testing.TB
	name string

	mu       sync.Mutex
	errs     []string
	logs     []string
	cleanups []func()
}

// NewRecorder returns a Recorder named after t, with suffix appended.
func NewRecorder(t testing.TB, suffix string) *Recorder {
	return &Recorder{TB: t, name: t.Name() + "/" + suffix}
}

// Name returns the recorder's own name, so checks of it are told apart
// from checks of the wrapped test.
func (r *Recorder) Name() string { return r.name }

// Helper does nothing: the recorder has no stack of its own to trim.
func (r *Recorder) Helper() {}

// Error records a failure.
func (r *Recorder) Error(args ...any) { r.add(&r.errs, fmt.Sprint(args...)) }

// Errorf records a failure.
func (r *Recorder) Errorf(format string, args ...any) { r.add(&r.errs, fmt.Sprintf(format, args...)) }

// Fatal records a failure. Unlike a real test it does not stop the
// goroutine: the code under observation runs on.
func (r *Recorder) Fatal(args ...any) { r.add(&r.errs, fmt.Sprint(args...)) }

// Fatalf records a failure, like Fatal.
func (r *Recorder) Fatalf(format string, args ...any) { r.add(&r.errs, fmt.Sprintf(format, args...)) }

// Log records a message.
func (r *Recorder) Log(args ...any) { r.add(&r.logs, fmt.Sprint(args...)) }

// Logf records a message.
func (r *Recorder) Logf(format string, args ...any) { r.add(&r.logs, fmt.Sprintf(format, args...)) }

// Failed reports whether a failure was recorded.
func (r *Recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errs) > 0
}

// Cleanup registers fn to run at RunCleanups.
func (r *Recorder) Cleanup(fn func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleanups = append(r.cleanups, fn)
}

// RunCleanups runs the registered cleanups, last registered first, as the
// testing package does when a test ends.
func (r *Recorder) RunCleanups() {
	r.mu.Lock()
	fns := r.cleanups
	r.cleanups = nil
	r.mu.Unlock()
	for i := len(fns) - 1; i >= 0; i-- {
		fns[i]()
	}
}

// Errors returns the recorded failures, one per line.
func (r *Recorder) Errors() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errs, "\n")
}

func (r *Recorder) add(to *[]string, msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*to = append(*to, msg)
}
