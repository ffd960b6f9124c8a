package leakcheck

import (
	"runtime"
	"runtime/metrics"
	"sync"

	"github.com/leakhound/leakhound/profile"
)

// The baseline: what ran when Check was called.
//
// A check must tell the goroutines the test started from those already
// running, and labels do that for every goroutine that kept the test's
// label. For the ones that lost it (pprof.Do with context.Background()) the
// check compares with what ran at the start. That comparison happens in every
// test, so the baseline must be cheap: it counts goroutines by entry function,
// the function a go statement started, which stays at the bottom of the
// stack for the goroutine's whole life. runtime.GoroutineProfile gives the
// stacks as program counters without formatting any text, and only one
// program counter per distinct stack needs a name.

// baseline counts goroutines by entry function.
type baseline map[string]int

// stackRecords recycles the buffers runtime.GoroutineProfile fills.
var stackRecords = sync.Pool{New: func() any { return new([]runtime.StackRecord) }}

// takeBaseline counts the goroutines of the process by entry function.
func takeBaseline() baseline {
	bufp := stackRecords.Get().(*[]runtime.StackRecord)
	defer stackRecords.Put(bufp)
	var recs []runtime.StackRecord
	for {
		if need := runtime.NumGoroutine() + 64; len(*bufp) < need {
			*bufp = make([]runtime.StackRecord, need+need/4)
		}
		n, ok := runtime.GoroutineProfile(*bufp)
		if ok {
			recs = (*bufp)[:n]
			break
		}
		*bufp = make([]runtime.StackRecord, n+n/4+64)
	}
	b := make(baseline)
	names := make(map[uintptr]string)
	for i := range recs {
		stk := recs[i].Stack()
		if notStarted(stk) {
			b[notStartedKey]++
			continue
		}
		b[entryOfPCs(stk, names)]++
	}
	return b
}

// notStartedKey counts, in a baseline, the goroutines created but not yet
// scheduled. The goroutine profile shows such a goroutine as a bare
// runtime.goexit: the function it will run is not on its stack yet, so it
// cannot be counted by entry function. Once it runs, its entry function
// appears, and only goroutine IDs can then tell it from the test's (see
// startedBefore).
const notStartedKey = "(not started)"

// startedBefore lists the IDs of the goroutines alive now, from a full
// capture: taken at Check only when some goroutines have not started yet,
// since the counts by entry function cannot place those. Without a capture
// (it failed) the result is nil and the counts alone decide.
func startedBefore(capture func() (*profile.Snapshot, error)) map[int64]bool {
	s, err := capture()
	if err != nil {
		return nil
	}
	ids := make(map[int64]bool, len(s.Goroutines))
	for _, g := range s.Goroutines {
		ids[g.ID] = true
	}
	return ids
}

// notStarted reports whether a goroutine profile stack is that of a
// goroutine that has not run yet: nothing but the goexit frame.
func notStarted(stk []uintptr) bool {
	if len(stk) != 1 {
		return false
	}
	f := runtime.FuncForPC(stk[0])
	return f != nil && f.Name() == "runtime.goexit"
}

// entryOfPCs returns the outermost function of a stack of return addresses
// that is not the runtime's; names caches the answer per address.
func entryOfPCs(stk []uintptr, names map[uintptr]string) string {
	for i := len(stk) - 1; i >= 0; i-- {
		pc := stk[i]
		name, ok := names[pc]
		if !ok {
			frames := runtime.CallersFrames(stk[i : i+1])
			for {
				f, more := frames.Next()
				// Inlined calls come innermost first; the last frame is
				// the function the address belongs to.
				name = f.Function
				if !more {
					break
				}
			}
			names[pc] = name
		}
		if name != "" && !isRuntimeFunc(name) {
			return name
		}
	}
	return ""
}

// entryOf returns the entry function of a captured goroutine or record.
func entryOf(g *profile.Goroutine) string {
	for i := len(g.Frames) - 1; i >= 0; i-- {
		if fn := g.Frames[i].Func; !isRuntimeFunc(fn) {
			return fn
		}
	}
	return ""
}

// baselineOf counts the goroutines of a snapshot by entry function.
func baselineOf(s *profile.Snapshot, skip func(*profile.Goroutine) bool) baseline {
	b := make(baseline)
	for _, g := range s.Goroutines {
		if skip == nil || !skip(g) {
			b[entryOf(g)] += max(g.Count, 1)
		}
	}
	return b
}

// createdMetric counts the goroutines created since the program started.
const createdMetric = "/sched/goroutines-created:goroutines"

// goroutinesCreated reads createdMetric; ok is false where the runtime does
// not have it. When the count has not moved since Check, the test cannot
// have started a goroutine, and the check is over without looking further.
func goroutinesCreated() (n uint64, ok bool) {
	s := []metrics.Sample{{Name: createdMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0, false
	}
	return s[0].Value.Uint64(), true
}
