// Package fromgoleak shows how to move tests from go.uber.org/goleak to
// leakcheck. leakcheck has goleak's functions under the same names and with
// the same meaning, so the move is a change of import:
//
//	// Before
//	import "go.uber.org/goleak"
//
//	func TestMain(m *testing.M) {
//		goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("example.com/metrics.(*Recorder).loop"))
//	}
//
//	func TestReport(t *testing.T) {
//		defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
//		...
//	}
//
//	// After
//	import "github.com/leakhound/leakhound/leakcheck"
//
//	func TestMain(m *testing.M) {
//		leakcheck.VerifyTestMain(m, leakcheck.IgnoreTopFunction("example.com/metrics.(*Recorder).loop"))
//	}
//
//	func TestReport(t *testing.T) {
//		defer leakcheck.VerifyNone(t, leakcheck.IgnoreCurrent())
//		...
//	}
//
// A failure then explains each goroutine (why it is stuck, where, the fix)
// instead of listing raw stacks. As with goleak, VerifyNone and Find look
// at the whole process, so tests using them must not run in parallel; the
// next step is leakcheck.Check(t), which checks one test's goroutines only
// and works with t.Parallel.
//
// The package's code is a metrics Recorder with a process-wide default
// started on first use — a goroutine meant to live as long as the process,
// which the tests ignore by its top function, as goleak users do.
package fromgoleak

import (
	"sync"
	"sync/atomic"
)

// Recorder counts events on a background goroutine.
type Recorder struct {
	events chan string
	total  atomic.Int64
}

var (
	defaultOnce sync.Once
	defaultRec  *Recorder
)

// Default returns the process-wide Recorder, starting it on first use. It
// runs until the process exits.
func Default() *Recorder {
	defaultOnce.Do(func() { defaultRec = newRecorder() })
	return defaultRec
}

// newRecorder returns a Recorder with its loop running.
func newRecorder() *Recorder {
	r := &Recorder{events: make(chan string, 64)}
	go r.loop()
	return r
}

// Record counts one event. It may return before the event is counted.
func (r *Recorder) Record(name string) { r.events <- name }

// Total returns the number of events counted so far.
func (r *Recorder) Total() int64 { return r.total.Load() }

func (r *Recorder) loop() {
	for range r.events {
		r.total.Add(1)
	}
}
