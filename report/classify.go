package report

import (
	"strings"

	"github.com/leakhound/leakhound/profile"
)

// Classify returns why g is not running.
//
// The wait state the runtime printed decides first ("chan receive",
// "sync.Mutex.Lock", "IO wait", …). Where the state is ambiguous or missing
// — "semacquire" serves several sync types, "waiting" carries no reason, and
// aggregated pprof profiles print no state at all — the stack decides: the
// outermost standard-library blocking call above the user's code names the
// operation, so sync.(*RWMutex).Lock wins over the sync.(*Mutex).Lock it
// calls. A state this package does not know, with a stack that says nothing
// either, is ReasonUnknown; the state itself is kept in Group.State.
func Classify(g *profile.Goroutine) Reason {
	if g == nil {
		return ReasonUnknown
	}
	state := baseState(g.State)
	if r, ok := stateReasons[state]; ok {
		if r == ReasonSemaphore || r == ReasonMutex {
			// A semaphore is refined by whoever called it; a Mutex wait
			// may be the first half of an RWMutex.Lock.
			if sr := classifyStack(g.Frames); sr != "" {
				return sr
			}
		}
		return r
	}
	switch state {
	case "", "waiting", "leaked", "copystack", "preempted":
		// No wait reason printed: the stack is all there is.
		if r := classifyStack(g.Frames); r != "" {
			return r
		}
		if state == "" {
			return ReasonUnknown
		}
		return ReasonRuntime
	}
	if r := classifyStack(g.Frames); r != "" {
		return r
	}
	return ReasonUnknown
}

// baseState strips the markers the runtime may append to a wait state, in
// case the parser left them in: "(leaked)", "(durable)", "(scan)".
func baseState(s string) string {
	s = strings.TrimSpace(s)
	for {
		trimmed := s
		for _, suffix := range []string{" (leaked)", " (durable)", " (scan)"} {
			trimmed = strings.TrimSuffix(trimmed, suffix)
		}
		if trimmed == s {
			return s
		}
		s = trimmed
	}
}

// stateReasons maps every wait state the Go 1.26 and 1.27 runtimes print
// (their waitReasonStrings, minus any "(durable)" suffix) and the goroutine
// statuses printed when no wait reason is set. The coverage test holds this
// table against the runtime source, so a new Go version's new state fails it.
var stateReasons = map[string]Reason{
	// Channels.
	"chan receive":            ReasonChanReceive,
	"chan send":               ReasonChanSend,
	"chan receive (nil chan)": ReasonChanReceiveNil,
	"chan send (nil chan)":    ReasonChanSendNil,
	"select":                  ReasonSelect,
	"select (no cases)":       ReasonSelectNoCases,

	// sync.
	"sync.Mutex.Lock":     ReasonMutex,
	"sync.RWMutex.RLock":  ReasonRWMutexRLock,
	"sync.RWMutex.Lock":   ReasonRWMutexLock,
	"sync.WaitGroup.Wait": ReasonWaitGroup,
	"sync.Cond.Wait":      ReasonCond,
	"semacquire":          ReasonSemaphore,

	// The outside world.
	"IO wait":  ReasonIOWait,
	"sleep":    ReasonSleep,
	"syscall":  ReasonSyscall,
	"running":  ReasonRunning,
	"runnable": ReasonRunning,

	// synctest bubbles.
	"synctest.Run":  ReasonSynctest,
	"synctest.Wait": ReasonSynctest,

	// iter.Pull.
	"coroutine": ReasonCoroutine,

	// The runtime's own goroutines and transient states.
	"GC assist marking":         ReasonRuntime,
	"GC assist wait":            ReasonRuntime,
	"GC sweep wait":             ReasonRuntime,
	"GC scavenge wait":          ReasonRuntime,
	"GC worker (idle)":          ReasonRuntime,
	"GC worker (active)":        ReasonRuntime,
	"GC mark termination":       ReasonRuntime,
	"GC weak to strong wait":    ReasonRuntime,
	"wait for GC cycle":         ReasonRuntime,
	"garbage collection":        ReasonRuntime,
	"garbage collection scan":   ReasonRuntime,
	"force gc (idle)":           ReasonRuntime,
	"GOMAXPROCS updater (idle)": ReasonRuntime,
	"finalizer wait":            ReasonRuntime,
	"cleanup wait":              ReasonRuntime,
	"dumping heap":              ReasonRuntime,
	"panicwait":                 ReasonRuntime,
	"trace reader (blocked)":    ReasonRuntime,
	"trace goroutine status":    ReasonRuntime,
	"trace proc status":         ReasonRuntime,
	"page trace flush":          ReasonRuntime,
	"preempted":                 ReasonRuntime,
	"debug call":                ReasonRuntime,
	"stopping the world":        ReasonRuntime,
	"flushing proc caches":      ReasonRuntime,
	"idle":                      ReasonRuntime,
	"dead":                      ReasonRuntime,
	"waiting for cgo callback":  ReasonRuntime,
}

// stackReasons names the standard-library calls that identify a blocking
// operation when the state does not.
var stackReasons = map[string]Reason{
	"runtime.chanrecv":               ReasonChanReceive,
	"runtime.chanrecv1":              ReasonChanReceive,
	"runtime.chanrecv2":              ReasonChanReceive,
	"runtime.chansend":               ReasonChanSend,
	"runtime.chansend1":              ReasonChanSend,
	"runtime.selectgo":               ReasonSelect,
	"runtime.block":                  ReasonSelectNoCases,
	"sync.runtime_Semacquire":        ReasonSemaphore,
	"sync.runtime_SemacquireMutex":   ReasonMutex,
	"internal/sync.(*Mutex).Lock":    ReasonMutex,
	"sync.(*Mutex).Lock":             ReasonMutex,
	"sync.(*RWMutex).RLock":          ReasonRWMutexRLock,
	"sync.(*RWMutex).Lock":           ReasonRWMutexLock,
	"sync.(*WaitGroup).Wait":         ReasonWaitGroup,
	"sync.(*Cond).Wait":              ReasonCond,
	"sync.runtime_notifyListWait":    ReasonCond,
	"internal/poll.runtime_pollWait": ReasonIOWait,
	"runtime.netpollblock":           ReasonIOWait,
	"time.Sleep":                     ReasonSleep,
	"runtime.timeSleep":              ReasonSleep,
	"runtime.coroswitch":             ReasonCoroutine,
	"iter.Pull.func1":                ReasonCoroutine,
	"iter.Pull2.func1":               ReasonCoroutine,
	"internal/synctest.Run":          ReasonSynctest,
	"internal/synctest.Wait":         ReasonSynctest,
	"testing/synctest.Test":          ReasonSynctest,
	"testing/synctest.Wait":          ReasonSynctest,
	"runtime.gcBgMarkWorker":         ReasonRuntime,
	"runtime.bgsweep":                ReasonRuntime,
	"runtime.bgscavenge":             ReasonRuntime,
	"runtime.runfinq":                ReasonRuntime,
	"runtime.runCleanups":            ReasonRuntime,
	"runtime.forcegchelper":          ReasonRuntime,
	"runtime.unique_runtime_registerUniqueMapCleanup.func2": ReasonRuntime,
}

// classifyStack names the blocking operation from the frames: the outermost
// recognised standard-library call before the first frame of the user's
// code. It returns "" when the stack names nothing.
func classifyStack(frames []profile.Frame) Reason {
	var found Reason
	for _, f := range frames {
		if r, ok := stackReasons[f.Func]; ok {
			found = r
			continue
		}
		if strings.HasPrefix(f.Func, "syscall.") || strings.HasPrefix(f.Func, "internal/runtime/syscall.") ||
			f.Func == "runtime.cgocall" {
			if found == "" {
				found = ReasonSyscall
			}
			continue
		}
		if !isStdFunc(f.Func) {
			break
		}
	}
	return found
}
