package report

// Reason is why a goroutine is not running: the blocking operation named by
// its wait state, refined with its stack where the state alone is ambiguous.
// Classify computes it.
//
// A goroutine durably blocked inside a synctest bubble ("chan receive
// (durable)") gets the reason of the operation it is blocked in, because that
// operation is what has to change; the goroutine's Durable field keeps the
// marker. ReasonSynctest is for the bubble's own waits (synctest.Run,
// synctest.Wait).
type Reason string

// The blocking reasons. Their string values are stable: they appear in JSON
// reports and pprof labels.
const (
	ReasonChanReceive    Reason = "chan-receive"     // <-ch on a non-nil channel
	ReasonChanSend       Reason = "chan-send"        // ch <- v on a non-nil channel
	ReasonChanReceiveNil Reason = "chan-receive-nil" // <-ch on a nil channel
	ReasonChanSendNil    Reason = "chan-send-nil"    // ch <- v on a nil channel
	ReasonSelect         Reason = "select"           // select with cases
	ReasonSelectNoCases  Reason = "select-no-cases"  // select {}
	ReasonMutex          Reason = "mutex"            // sync.Mutex.Lock
	ReasonRWMutexRLock   Reason = "rwmutex-rlock"    // sync.RWMutex.RLock
	ReasonRWMutexLock    Reason = "rwmutex-lock"     // sync.RWMutex.Lock
	ReasonWaitGroup      Reason = "waitgroup"        // sync.WaitGroup.Wait
	ReasonCond           Reason = "cond"             // sync.Cond.Wait
	ReasonSemaphore      Reason = "semaphore"        // other semacquire waits
	ReasonIOWait         Reason = "io-wait"          // network poller
	ReasonSleep          Reason = "sleep"            // time.Sleep
	ReasonSyscall        Reason = "syscall"          // in a system call
	ReasonRunning        Reason = "running"          // running or runnable when the check gave up waiting: busy or slow, not blocked
	ReasonSynctest       Reason = "synctest"         // inside synctest.Run or synctest.Wait
	ReasonCoroutine      Reason = "coroutine"        // parked in a coroutine switch (iter.Pull never stopped)
	ReasonRuntime        Reason = "runtime"          // runtime-internal waits (GC workers, finalizers, …)
	ReasonUnknown        Reason = "unknown"          // a state this version does not know; kept verbatim
)

// reasonTitles name each reason in a few words for people.
var reasonTitles = map[Reason]string{
	ReasonChanReceive:    "channel receive",
	ReasonChanSend:       "channel send",
	ReasonChanReceiveNil: "receive on nil channel",
	ReasonChanSendNil:    "send on nil channel",
	ReasonSelect:         "select",
	ReasonSelectNoCases:  "empty select",
	ReasonMutex:          "Mutex.Lock",
	ReasonRWMutexRLock:   "RWMutex.RLock",
	ReasonRWMutexLock:    "RWMutex.Lock",
	ReasonWaitGroup:      "WaitGroup.Wait",
	ReasonCond:           "Cond.Wait",
	ReasonSemaphore:      "semaphore",
	ReasonIOWait:         "I/O wait",
	ReasonSleep:          "sleep",
	ReasonSyscall:        "system call",
	ReasonRunning:        "still running",
	ReasonSynctest:       "synctest bubble",
	ReasonCoroutine:      "coroutine",
	ReasonRuntime:        "runtime",
	ReasonUnknown:        "unknown",
}

// Title names the reason in a few words for people ("channel receive",
// "WaitGroup.Wait"), as badges, charts and summaries show it. A reason this
// version does not know is named by its own string.
func (r Reason) Title() string {
	if t, ok := reasonTitles[r]; ok {
		return t
	}
	if r == "" {
		return reasonTitles[ReasonUnknown]
	}
	return string(r)
}
