package report

import "strings"

// The catalog's IDs are stable: reports, annotations, links and ignore
// lists refer to them. LH001–LH099 are specific shapes recognised from the
// stack and, where it can be read, the source at the blocking line;
// LH100 and up are the generic explanation of one blocking reason, used
// when no specific shape fits.
//
//	LH001 receive that nothing will ever send to
//	LH002 range over a channel nobody closes
//	LH003 send with no receiver left
//	LH004 select loop with no way out
//	LH005 select waiting on a context nobody cancels
//	LH006 HTTP handler ignoring its request's context
//	LH007 HTTP client connections left open
//	LH008 httptest.Server never closed
//	LH009 goroutines waiting on each other (a cycle)
//	LH010 operation on a nil channel
//	LH011 select {} with no way out
//	LH012 mutex never unlocked
//	LH013 RWMutex read/write deadlock
//	LH014 WaitGroup.Wait that never returns
//	LH015 Cond.Wait nobody signals
//	LH016 sleep or poll loop with no stop
//	LH017 ticker loop with no stop
//	LH018 network read with no deadline and no close
//	LH019 iter.Pull iterator never stopped
//	LH020 resource never closed
//	LH021 lock taken twice by the same goroutine
//	LH100 blocked receiving (generic)
//	LH101 blocked sending (generic)
//	LH102 blocked in select (generic)
//	LH103 blocked on a semaphore (generic)
//	LH104 stuck in a system call
//	LH105 busy, or slower than the settle budget
//	LH106 waiting in a synctest bubble
//	LH107 runtime-internal goroutine
//	LH108 unknown wait state
const (
	PatternRecvNoSender     = "LH001"
	PatternRangeUnclosed    = "LH002"
	PatternSendNoReceiver   = "LH003"
	PatternSelectNoExit     = "LH004"
	PatternContextNeverDone = "LH005"
	PatternHTTPHandlerCtx   = "LH006"
	PatternHTTPClientConn   = "LH007"
	PatternHTTPTestServer   = "LH008"
	PatternMutualWait       = "LH009"
	PatternNilChannel       = "LH010"
	PatternEmptySelect      = "LH011"
	PatternMutexHeld        = "LH012"
	PatternRWMutexDeadlock  = "LH013"
	PatternWaitGroup        = "LH014"
	PatternCondNoSignal     = "LH015"
	PatternSleepLoop        = "LH016"
	PatternTickerLoop       = "LH017"
	PatternIONoDeadline     = "LH018"
	PatternPullNotStopped   = "LH019"
	PatternNeverClosed      = "LH020"
	PatternDoubleLock       = "LH021"
	PatternGenericReceive   = "LH100"
	PatternGenericSend      = "LH101"
	PatternGenericSelect    = "LH102"
	PatternGenericSemaphore = "LH103"
	PatternSyscall          = "LH104"
	PatternRunning          = "LH105"
	PatternSynctest         = "LH106"
	PatternRuntime          = "LH107"
	PatternUnknown          = "LH108"
)

// catalog holds the patterns in ID order. It is never modified; Catalog
// hands out copies.
var catalog = []Pattern{
	{
		ID:    PatternRecvNoSender,
		Title: "receive that nothing will ever send to",
		Why: "The goroutine waits on a plain receive with no other case. Whoever was meant to send has " +
			"returned or gave up, and nothing can wake the receiver: no close, no cancellation.",
		Fix: "Receive inside a select that also waits on ctx.Done(), or have the sender close the channel " +
			"when it is finished (a receive from a closed channel returns at once).",
		Before: "go func() {\n\tv := <-results // nobody sends after an early return\n\tuse(v)\n}()",
		After:  "go func() {\n\tselect {\n\tcase v := <-results:\n\t\tuse(v)\n\tcase <-ctx.Done():\n\t\treturn\n\t}\n}()",
	},
	{
		ID:    PatternRangeUnclosed,
		Title: "range over a channel nobody closes",
		Why: "A for-range loop over a channel only ends when the channel is closed. The producer stopped " +
			"sending but never closed it, so every consumer waits for one more value forever.",
		Fix: "Close the channel once the last value is sent, in the one goroutine that owns sending " +
			"(for a worker pool: close(jobs) after queueing the work).",
		Before: "jobs := make(chan Job)\nfor i := 0; i < 4; i++ {\n\tgo worker(jobs)\n}\nfor _, j := range work {\n\tjobs <- j\n}",
		After:  "jobs := make(chan Job)\nfor i := 0; i < 4; i++ {\n\tgo worker(jobs)\n}\nfor _, j := range work {\n\tjobs <- j\n}\nclose(jobs) // workers' range loops end",
	},
	{
		ID:    PatternSendNoReceiver,
		Title: "send with no receiver left",
		Why: "The goroutine sends on an unbuffered channel, but the receiver stopped listening — typically " +
			"it returned after a timeout or an error — so the send can never complete.",
		Fix: "Give the channel a buffer of 1 so the single result can always be delivered, or send inside " +
			"a select with a ctx.Done() case.",
		Before: "ch := make(chan result)\ngo func() { ch <- slowCall() }()\nselect {\ncase r := <-ch:\n\treturn r\ncase <-time.After(time.Second):\n\treturn timeout // the sender is stuck\n}",
		After:  "ch := make(chan result, 1) // the send never waits\ngo func() { ch <- slowCall() }()\nselect {\ncase r := <-ch:\n\treturn r\ncase <-time.After(time.Second):\n\treturn timeout\n}",
	},
	{
		ID:    PatternSelectNoExit,
		Title: "select loop with no way out",
		Why: "The goroutine loops over a select none of whose cases means \"stop\". Once its inputs go " +
			"quiet it waits forever; nobody can tell it to return.",
		Fix: "Add a stop case to the select — case <-ctx.Done(): return — and cancel that context when " +
			"the owner shuts down (in tests: use t.Context()).",
		Before: "for {\n\tselect {\n\tcase m := <-in:\n\t\thandle(m)\n\tcase <-flush:\n\t\tsync()\n\t}\n}",
		After:  "for {\n\tselect {\n\tcase m := <-in:\n\t\thandle(m)\n\tcase <-flush:\n\t\tsync()\n\tcase <-ctx.Done():\n\t\treturn\n\t}\n}",
	},
	{
		ID:    PatternContextNeverDone,
		Title: "select waiting on a context nobody cancels",
		Why: "The select has a ctx.Done() case, but the context is context.Background()/TODO() or its " +
			"cancel function is never called, so Done never closes and the exit is never taken.",
		Fix: "Derive the context with a cancel function and call it (defer cancel()) when the work is " +
			"over; in a test, pass t.Context(), which is cancelled when the test ends.",
		Before: "ctx := context.Background()\ngo watch(ctx, events) // watch returns on <-ctx.Done()",
		After:  "ctx, cancel := context.WithCancel(context.Background())\ndefer cancel()\ngo watch(ctx, events)\n// in a test: go watch(t.Context(), events)",
	},
	{
		ID:    PatternHTTPHandlerCtx,
		Title: "HTTP handler ignoring its request's context",
		Why: "A handler (or a goroutine it started) waits on something that does not watch r.Context(). " +
			"When the client goes away the request is cancelled, but the handler keeps waiting.",
		Fix: "Wait in a select that includes <-r.Context().Done(), and pass r.Context() to everything the " +
			"handler calls.",
		Before: "func handle(w http.ResponseWriter, r *http.Request) {\n\tres := <-jobs.Submit(r.URL.Path)\n\tfmt.Fprint(w, res)\n}",
		After:  "func handle(w http.ResponseWriter, r *http.Request) {\n\tselect {\n\tcase res := <-jobs.Submit(r.URL.Path):\n\t\tfmt.Fprint(w, res)\n\tcase <-r.Context().Done():\n\t\treturn\n\t}\n}",
	},
	{
		ID:    PatternHTTPClientConn,
		Title: "HTTP client connections left open",
		Why: "Each open client connection keeps a read loop and a write loop goroutine. They stay while " +
			"a response body is unread and unclosed, and while idle keep-alive connections sit in the pool.",
		Fix: "Always defer resp.Body.Close() (drain it to reuse the connection); when the client is done, " +
			"call client.CloseIdleConnections() (or the Transport's).",
		Before: "resp, err := client.Get(url)\nif err != nil {\n\treturn err\n}\nreturn decode(resp.Body)",
		After:  "resp, err := client.Get(url)\nif err != nil {\n\treturn err\n}\ndefer resp.Body.Close()\nreturn decode(resp.Body)\n// tests: t.Cleanup(client.CloseIdleConnections)",
	},
	{
		ID:    PatternHTTPTestServer,
		Title: "httptest.Server never closed",
		Why: "An httptest.Server runs an accept loop and one goroutine per connection until Close is " +
			"called. A test that forgets Close leaves them behind.",
		Fix:    "Call srv.Close() as soon as the server is created: defer srv.Close() or t.Cleanup(srv.Close).",
		Before: "srv := httptest.NewServer(handler)\nres, err := http.Get(srv.URL)",
		After:  "srv := httptest.NewServer(handler)\nt.Cleanup(srv.Close)\nres, err := http.Get(srv.URL)",
	},
	{
		ID:    PatternMutualWait,
		Title: "goroutines waiting on each other",
		Why: "Each goroutine waits for something only another one of the cycle would do — send or receive " +
			"on a channel, unlock a mutex it holds — after the point where that one is itself blocked: none " +
			"can move first. Lock-order (AB-BA) deadlocks and a mutex held while sending are cycles too.",
		Fix: "Break the cycle: take locks in one global order, never block on a channel while holding a lock " +
			"the other side needs, or give one channel a buffer so its send completes.",
		Before: "go func() { a <- 1; <-b }()\ngo func() { b <- 1; <-a }()",
		After:  "a := make(chan int, 1) // a's send no longer waits for the reader\ngo func() { a <- 1; <-b }()\ngo func() { b <- 1; <-a }()",
	},
	{
		ID:    PatternNilChannel,
		Title: "operation on a nil channel",
		Why: "Sending to or receiving from a nil channel blocks forever. The channel variable was declared " +
			"but never given a make(chan …), or was set to nil and then used outside a select.",
		Fix: "Initialise the channel with make before starting the goroutine; set a channel to nil only " +
			"to disable a select case, never for a plain send or receive.",
		Before: "var done chan struct{}\ngo func() { <-done }()",
		After:  "done := make(chan struct{})\ngo func() { <-done }()\n// later: close(done)",
	},
	{
		ID:     PatternEmptySelect,
		Title:  "select {} with no way out",
		Why:    "An empty select blocks forever by design. In a goroutine a test starts, nothing can end it.",
		Fix:    "Wait on something that ends: <-ctx.Done() or a done channel the owner closes.",
		Before: "go func() {\n\tstart()\n\tselect {}\n}()",
		After:  "go func() {\n\tstart()\n\t<-ctx.Done()\n}()",
	},
	{
		ID:    PatternMutexHeld,
		Title: "mutex never unlocked",
		Why: "The goroutine waits for a mutex that another goroutine locked and never released: an early " +
			"return or a panic skipped the Unlock, or the holder is itself leaked while holding it.",
		Fix: "Write defer mu.Unlock() right after mu.Lock(), and never block on a channel or I/O while " +
			"holding the lock.",
		Before: "mu.Lock()\nif err := check(); err != nil {\n\treturn err // mu stays locked\n}\nmu.Unlock()",
		After:  "mu.Lock()\ndefer mu.Unlock()\nif err := check(); err != nil {\n\treturn err\n}",
	},
	{
		ID:    PatternRWMutexDeadlock,
		Title: "RWMutex read/write deadlock",
		Why: "A read lock was taken while another read lock of the same goroutine is held, and a writer is " +
			"waiting in between; or a lock was never released. Waiting writers block new readers, so " +
			"the second RLock waits for the writer, which waits for the first RLock.",
		Fix: "Never take RLock recursively: split the function into a locked wrapper and an unlocked " +
			"helper, and release every lock with defer.",
		Before: "func (c *Cache) Get(k string) V {\n\tc.mu.RLock()\n\tdefer c.mu.RUnlock()\n\treturn c.lookup(k) // lookup calls RLock again\n}",
		After:  "func (c *Cache) Get(k string) V {\n\tc.mu.RLock()\n\tdefer c.mu.RUnlock()\n\treturn c.lookupLocked(k) // expects the lock held\n}",
	},
	{
		ID:    PatternWaitGroup,
		Title: "WaitGroup.Wait that never returns",
		Why: "The counter never reaches zero: a goroutine returned on an error path without calling Done, " +
			"or Add was called inside the goroutine so Wait ran before it counted.",
		Fix: "Call wg.Add(1) before the go statement and defer wg.Done() first thing in the goroutine " +
			"(or use wg.Go / errgroup.Group, which do both).",
		Before: "go func() {\n\twg.Add(1)\n\tif err := work(); err != nil {\n\t\treturn // Done never called\n\t}\n\twg.Done()\n}()\nwg.Wait()",
		After:  "wg.Add(1)\ngo func() {\n\tdefer wg.Done()\n\tif err := work(); err != nil {\n\t\treturn\n\t}\n}()\nwg.Wait()",
	},
	{
		ID:    PatternCondNoSignal,
		Title: "Cond.Wait nobody signals",
		Why: "cond.Wait returns only after a Signal or Broadcast. A path that changes the condition " +
			"without signalling — or a shutdown that never broadcasts — leaves the waiter asleep.",
		Fix: "Call Broadcast (or Signal) after every change to the condition, including shutdown, while " +
			"holding the lock; consider a channel instead of a Cond.",
		Before: "q.mu.Lock()\nfor len(q.items) == 0 {\n\tq.cond.Wait()\n}\n// Close sets q.closed but never broadcasts",
		After:  "func (q *Queue) Close() {\n\tq.mu.Lock()\n\tq.closed = true\n\tq.cond.Broadcast()\n\tq.mu.Unlock()\n}\n// waiters: for len(q.items) == 0 && !q.closed { q.cond.Wait() }",
	},
	{
		ID:    PatternSleepLoop,
		Title: "sleep or poll loop with no stop",
		Why: "The goroutine sleeps in an endless loop, polling for work. Nothing tells it to stop, so it " +
			"outlives its owner.",
		Fix: "Replace the sleep with a time.Ticker in a select that also waits on ctx.Done(), and stop " +
			"the ticker on return.",
		Before: "go func() {\n\tfor {\n\t\tpoll()\n\t\ttime.Sleep(time.Second)\n\t}\n}()",
		After:  "go func() {\n\ttick := time.NewTicker(time.Second)\n\tdefer tick.Stop()\n\tfor {\n\t\tselect {\n\t\tcase <-tick.C:\n\t\t\tpoll()\n\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\t}\n\t}\n}()",
	},
	{
		ID:    PatternTickerLoop,
		Title: "ticker loop with no stop",
		Why: "The goroutine waits on a ticker's channel in an endless loop. A ticker ticks forever, so the " +
			"loop never ends on its own.",
		Fix:    "Select on the ticker together with ctx.Done() (return there) and defer ticker.Stop().",
		Before: "t := time.NewTicker(time.Second)\nfor range t.C {\n\tflush()\n}",
		After:  "t := time.NewTicker(time.Second)\ndefer t.Stop()\nfor {\n\tselect {\n\tcase <-t.C:\n\t\tflush()\n\tcase <-ctx.Done():\n\t\treturn\n\t}\n}",
	},
	{
		ID:    PatternIONoDeadline,
		Title: "network read with no deadline and no close",
		Why: "The goroutine waits for network data (IO wait) on a connection with no deadline that nobody " +
			"closes, so it waits as long as the peer stays silent.",
		Fix: "Close the connection (or listener) when shutting down — that unblocks the read with an " +
			"error — and set read deadlines with SetReadDeadline for peers that may go quiet.",
		Before: "go func() {\n\tfor {\n\t\tn, err := conn.Read(buf) // waits as long as the peer is silent\n\t\tif err != nil {\n\t\t\treturn\n\t\t}\n\t\thandle(buf[:n])\n\t}\n}()",
		After:  "go func() {\n\t<-ctx.Done()\n\tconn.Close() // unblocks Read\n}()\nconn.SetReadDeadline(time.Now().Add(timeout))",
	},
	{
		ID:    PatternPullNotStopped,
		Title: "iter.Pull iterator never stopped",
		Why: "iter.Pull runs the sequence in a coroutine that stays parked until the sequence ends or stop " +
			"is called. Abandoning the iterator early without stop leaves it parked.",
		Fix:    "Call the stop function iter.Pull returns: next, stop := iter.Pull(seq); defer stop().",
		Before: "next, _ := iter.Pull(seq)\nv, _ := next()",
		After:  "next, stop := iter.Pull(seq)\ndefer stop()\nv, _ := next()",
	},
	{
		ID:    PatternNeverClosed,
		Title: "resource never closed",
		Why: "The goroutine belongs to an object — a client, a processor, a watcher, a pool — and only that " +
			"object's Close, Stop or Shutdown method would release it (it closes the channel the goroutine " +
			"waits on). Nothing called that method, so the goroutine outlives its owner.",
		Fix: "Call the owner's Close/Stop/Shutdown method when done with it; in a test, register it right after " +
			"the constructor: t.Cleanup(func() { p.Shutdown(context.Background()) }).",
		Before: "tp := trace.NewTracerProvider(trace.WithBatcher(exp))\nuse(tp) // processQueue waits for Shutdown",
		After:  "tp := trace.NewTracerProvider(trace.WithBatcher(exp))\nt.Cleanup(func() { tp.Shutdown(context.Background()) })\nuse(tp)",
	},
	{
		ID:    PatternDoubleLock,
		Title: "lock taken twice by the same goroutine",
		Why: "Go mutexes are not reentrant. The goroutine already holds the lock — taken a few lines up, in a " +
			"caller on the same stack, or in the previous loop iteration whose continue skipped the unlock — " +
			"and now waits for itself. Deferring the unlock does not help: it runs only on return.",
		Fix: "Release the lock before taking it again: unlock before continue or before calling code that " +
			"locks, or split off a helper that expects the lock held (a …Locked variant).",
		Before: "func (c *Cache) Put(k string, v V) {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.evict() // evict locks c.mu again\n}",
		After:  "func (c *Cache) Put(k string, v V) {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.evictLocked() // expects c.mu held\n}",
	},
	{
		ID:    PatternGenericReceive,
		Title: "blocked receiving from a channel",
		Why: "The goroutine waits for a value that has not come. Either the sender is gone, or the " +
			"channel is never closed, or the goroutine has no way to be told to stop.",
		Fix: "Make sure every receive can end: the sender closes the channel, or the receive sits in a " +
			"select with <-ctx.Done().",
		Before: "v := <-ch",
		After:  "select {\ncase v := <-ch:\n\tuse(v)\ncase <-ctx.Done():\n\treturn\n}",
	},
	{
		ID:    PatternGenericSend,
		Title: "blocked sending on a channel",
		Why:   "The goroutine waits for a receiver that has not come and may never come.",
		Fix: "Buffer the channel for the values that may go unread, or send inside a select with " +
			"<-ctx.Done().",
		Before: "out <- v",
		After:  "select {\ncase out <- v:\ncase <-ctx.Done():\n\treturn\n}",
	},
	{
		ID:    PatternGenericSelect,
		Title: "blocked in select",
		Why: "None of the select's cases can proceed, and none of them will: their channels are silent " +
			"and no case stands for \"stop\".",
		Fix: "Make sure one case always ends the wait — <-ctx.Done() on a context that is cancelled — " +
			"and that the context is really cancelled.",
		Before: "select {\ncase v := <-a:\ncase b <- x:\n}",
		After:  "select {\ncase v := <-a:\ncase b <- x:\ncase <-ctx.Done():\n\treturn\n}",
	},
	{
		ID:    PatternGenericSemaphore,
		Title: "blocked on a semaphore",
		Why:   "The goroutine waits in a runtime semaphore for a release that does not come.",
		Fix: "Find the matching release in the code that the stack names, and make sure it runs on every " +
			"path (defer it).",
		Before: "sem.Acquire()\nwork() // returns early without Release",
		After:  "sem.Acquire()\ndefer sem.Release()\nwork()",
	},
	{
		ID:    PatternSyscall,
		Title: "stuck in a system call",
		Why: "The goroutine is inside a blocking system call — reading a pipe, a terminal, a file that " +
			"never delivers — that nothing interrupts.",
		Fix: "Close the file descriptor from another goroutine on shutdown, or use a source that supports " +
			"deadlines (os.File from a pipe, net.Conn).",
		Before: "go func() { io.Copy(dst, os.Stdin) }()",
		After:  "go func() { io.Copy(dst, r) }() // r is a pipe\n// on shutdown: r.Close()",
	},
	{
		ID:    PatternRunning,
		Title: "busy, or slower than the settle budget",
		Why: "The goroutine was not blocked when the check stopped waiting: it was running, or ready to run. " +
			"Either it is busy in a loop that never checks whether it should stop, or it is doing slow work " +
			"that had not finished when the settle budget ran out.",
		Fix: "Have long loops check ctx.Err() (or a done channel) on every iteration, and wait for the " +
			"goroutine to return before the test ends; if it is only slow, wait for it in the test or give " +
			"the check a longer settle budget.",
		Before: "for {\n\tspin()\n}",
		After:  "for ctx.Err() == nil {\n\tspin()\n}",
	},
	{
		ID:    PatternSynctest,
		Title: "waiting in a synctest bubble",
		Why: "The goroutine waits in synctest.Test/Run or synctest.Wait for the bubble's other goroutines, " +
			"and one of those never becomes durably blocked or never returns.",
		Fix: "Look at the other goroutines of the same bubble: the one that never settles is the leak. " +
			"Cancel its context before the bubble ends.",
		Before: "synctest.Test(t, func(t *testing.T) {\n\tgo serve(context.Background())\n})",
		After:  "synctest.Test(t, func(t *testing.T) {\n\tgo serve(t.Context())\n})",
	},
	{
		ID:    PatternRuntime,
		Title: "runtime-internal goroutine",
		Why: "The goroutine belongs to the Go runtime (garbage collector, finalizers, cleanups) and is " +
			"not a leak of the code under test.",
		Fix:    "Nothing to change in the code; filter it out if a tool reports it.",
		Before: "",
		After:  "",
	},
	{
		ID:    PatternUnknown,
		Title: "unknown wait state",
		Why: "The runtime printed a wait state this version of leakhound does not know (a newer Go, or a " +
			"modified runtime). The state is shown verbatim.",
		Fix:    "Read the stack: the innermost frame of your code shows what the goroutine waits for.",
		Before: "",
		After:  "",
	},
}

// FallbackPattern returns the ID of the pattern for goroutines blocked
// for reason r when no specific shape is recognised: what a diagnosis from
// the stack alone names. A reason without one gets PatternUnknown.
func FallbackPattern(r Reason) string {
	if id := genericPattern[r]; id != "" {
		return id
	}
	return PatternUnknown
}

// genericPattern names the fallback pattern for each reason.
var genericPattern = map[Reason]string{
	ReasonChanReceive:    PatternGenericReceive,
	ReasonChanSend:       PatternGenericSend,
	ReasonChanReceiveNil: PatternNilChannel,
	ReasonChanSendNil:    PatternNilChannel,
	ReasonSelect:         PatternGenericSelect,
	ReasonSelectNoCases:  PatternEmptySelect,
	ReasonMutex:          PatternMutexHeld,
	ReasonRWMutexRLock:   PatternRWMutexDeadlock,
	ReasonRWMutexLock:    PatternRWMutexDeadlock,
	ReasonWaitGroup:      PatternWaitGroup,
	ReasonCond:           PatternCondNoSignal,
	ReasonSemaphore:      PatternGenericSemaphore,
	ReasonIOWait:         PatternIONoDeadline,
	ReasonSleep:          PatternSleepLoop,
	ReasonSyscall:        PatternSyscall,
	ReasonRunning:        PatternRunning,
	ReasonSynctest:       PatternSynctest,
	ReasonCoroutine:      PatternPullNotStopped,
	ReasonRuntime:        PatternRuntime,
	ReasonUnknown:        PatternUnknown,
}

// Catalog returns every known leak pattern, in ID order. The slice is a
// copy: changing it does not change the catalog. Use it to list or document
// the patterns; use PatternByID to look one up.
func Catalog() []Pattern {
	out := make([]Pattern, len(catalog))
	copy(out, catalog)
	return out
}

// PatternByID returns the catalog pattern with the given ID ("LH001"), and
// false when there is none.
func PatternByID(id string) (Pattern, bool) {
	for _, p := range catalog {
		if p.ID == id {
			return p, true
		}
	}
	return Pattern{}, false
}

// FixText is the fix to show for a diagnosis: its own, naming the code
// ("Call tp.Shutdown(ctx) …"), or else its pattern's general fix; "" when
// it has neither.
func (d Diagnosis) FixText() string {
	if d.Fix != "" {
		return strings.ToUpper(d.Fix[:1]) + d.Fix[1:] + "."
	}
	if p, ok := PatternByID(d.PatternID); ok {
		return p.Fix
	}
	return ""
}
