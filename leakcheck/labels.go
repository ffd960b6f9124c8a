package leakcheck

import (
	"context"
	"runtime"
	"runtime/pprof"
	"sync/atomic"

	"github.com/leakhound/leakhound/profile"
)

// Attribution by pprof labels.
//
// Check labels the test's goroutine with LabelKey = a value unique to that
// run of that test. The runtime copies a goroutine's labels to every
// goroutine it starts, so everything the test starts, at any depth, carries
// the value, and the check only has to count goroutines with it. Parallel
// tests, repeated runs (-count) and same-named subtests each get their own
// value, so no test is ever blamed for another's goroutines.

// LabelKey is the pprof label key Check puts on a test's goroutine. Its value
// is the test's name, '#', and a number unique within the process. It shows
// in goroutine profiles and dumps too, which tells whose goroutines they are.
// It is profile.TestLabelKey, which readers of dumps use.
const LabelKey = profile.TestLabelKey

// checkingKey marks the goroutine running a check while it looks, so that
// the cheap look can leave it out: its stack differs from the one it had
// when the check began, and without the mark it would look like a newcomer.
const checkingKey = "leakhound.checking"

// runs numbers the checks of this process so label values never repeat.
var runs atomic.Uint64

// newLabelValue returns a label value for one run of the named test.
func newLabelValue(test string) string {
	return profile.TestLabelValue(test, runs.Add(1))
}

// ownLabels returns the pprof labels of the calling goroutine, read from its
// own traceback header, after making sure the runtime prints them there
// (enableTracebackLabels). Where it cannot (a user's GODEBUG says
// tracebacklabels=0), the result is nil: labels only serve to be restored
// after the check, so missing them loses nothing but a user's own labels on
// a goroutine that is about to end.
func ownLabels() map[string]string {
	if !enableTracebackLabels() {
		return nil
	}
	var buf [1024]byte
	n := runtime.Stack(buf[:], false)
	s, err := profile.ParseBytes(buf[:n])
	if err != nil || len(s.Goroutines) == 0 {
		return nil
	}
	return s.Goroutines[0].Labels
}

// setLabels replaces the calling goroutine's labels with base, where the
// extra key/value pairs are added or replace base's values.
func setLabels(base map[string]string, extra ...string) {
	merged := make(map[string]string, len(base)+len(extra)/2)
	for k, v := range base {
		merged[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		merged[extra[i]] = extra[i+1]
	}
	if len(merged) == 0 {
		pprof.SetGoroutineLabels(context.Background())
		return
	}
	kv := make([]string, 0, 2*len(merged))
	for k, v := range merged {
		kv = append(kv, k, v)
	}
	pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels(kv...)))
}
