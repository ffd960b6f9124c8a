package profile

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
)

// Labels in traceback text.
//
// Since Go 1.26 the runtime can print a goroutine's pprof labels in its
// traceback header, which is how Capture learns the labels of each goroutine
// from the one runtime.Stack call. The GODEBUG setting tracebacklabels=1
// turns this on; Go 1.26 defaults it to off, and Go 1.27 defaults it to on
// only for main modules that declare go 1.27 or later. The runtime re-reads
// GODEBUG when the program changes the environment variable, so the setting
// can be switched on while the process runs.
//
// EnableTracebackLabels does that once per process: it appends
// tracebacklabels=1 to GODEBUG, keeping every other setting. A
// tracebacklabels value the user put in GODEBUG is respected, 0 included:
// the user may have reasons to keep labels out of crash output. The changed
// variable is part of the process environment from then on, so programs the
// process starts afterwards inherit it; the setting only adds labels to
// their tracebacks. The package reads no environment itself: the caller,
// an entry point that reads its configuration in one place (leakcheck's
// first check), passes the GODEBUG value it read.
//
// Whatever the outcome, a capture checks with a probe whether labels really
// reach the text; when they do not, it falls back to joining the stacks
// with the pprof goroutine profile (see joinLabels).

// godebugTracebackLabels is the GODEBUG key that puts labels into tracebacks.
const godebugTracebackLabels = "tracebacklabels"

// probeLabelKey and probeLabelValue label the probe that checks whether
// labels appear in traceback text. The value is unlikely to occur by chance.
const (
	probeLabelKey   = "leakhound.probe"
	probeLabelValue = "tracebacklabels-7f3a"
)

// tracebackLabels records whether traceback text carries labels: 0 not yet
// known, labelsOff or labelsOn. EnableTracebackLabels sets it once, after
// changing GODEBUG; a capture before that, or in a process that never calls
// it, probes and records what it found, which EnableTracebackLabels then
// replaces.
var tracebackLabels atomic.Int32

// enableLabels runs EnableTracebackLabels's change of GODEBUG once per
// process.
var enableLabels sync.Once

const (
	labelsOff = 1
	labelsOn  = 2
)

// labelsInText reports whether traceback text carries labels, probing the
// first time it is asked.
func labelsInText() bool {
	state := tracebackLabels.Load()
	if state == 0 {
		state = labelsOff
		if labelsReachTraceback() {
			state = labelsOn
		}
		tracebackLabels.CompareAndSwap(0, state)
	}
	return state == labelsOn
}

// labelsReachTraceback labels a goroutine of its own for a moment and looks
// for the label in that goroutine's traceback header. It runs the probe on a
// new goroutine because pprof.Do leaves the goroutine it ran on with the
// labels of the context it was given; the caller's own labels, a test's
// attribution label among them, must survive the probe.
func labelsReachTraceback() bool {
	found := make(chan bool)
	go func() {
		pprof.Do(context.Background(), pprof.Labels(probeLabelKey, probeLabelValue), func(context.Context) {
			buf := make([]byte, 4096)
			n := runtime.Stack(buf, false)
			header, _, _ := bytes.Cut(buf[:n], []byte("\n"))
			found <- bytes.Contains(header, []byte(probeLabelValue))
		})
	}()
	return <-found
}

// EnableTracebackLabels turns on the printing of pprof labels in traceback
// text by adding tracebacklabels=1 to the process's GODEBUG environment
// variable, once per process and only when godebug, the variable's value as
// the caller read it from the environment, does not already set
// tracebacklabels (the user's choice wins). It reports whether tracebacks
// now carry labels.
//
// Call it once at start, with the GODEBUG the program read from its
// environment, before taking captures whose labels matter (leakcheck does
// so on its first check): with labels in the text, Capture reads them from
// its one traceback; without, it joins them from the pprof goroutine
// profile, which costs a second look and leaves out stacks the profile
// cannot tie to one label set. Call it before reading labels from
// runtime.Stack text that you take yourself.
func EnableTracebackLabels(godebug string) bool {
	enableLabels.Do(func() {
		if _, set := godebugSetting(godebug, godebugTracebackLabels); !set {
			// Setenv fails only for invalid names or values; the probe
			// below tells whether it worked either way.
			_ = os.Setenv("GODEBUG", appendGodebug(godebug, godebugTracebackLabels+"=1"))
		}
		state := int32(labelsOff)
		if labelsReachTraceback() {
			state = labelsOn
		}
		tracebackLabels.Store(state)
	})
	return labelsInText()
}

// godebugSetting returns the value of key in a GODEBUG string and whether
// it is set. As in the runtime, the last setting of a key wins.
func godebugSetting(env, key string) (value string, set bool) {
	for _, kv := range strings.Split(env, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if ok && k == key {
			value, set = v, true
		}
	}
	return value, set
}

// appendGodebug adds one key=value setting to a GODEBUG string.
func appendGodebug(env, setting string) string {
	if strings.TrimSpace(env) == "" {
		return setting
	}
	return strings.TrimRight(env, ", ") + "," + setting
}
