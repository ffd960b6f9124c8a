package main

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/stacks"
)

// spec describes one goroutine the generator starts: start runs on the
// calling goroutine and holds the go statement.
type spec struct {
	name  string
	state string
	// deadlockSafe says the goroutine blocks in a way the runtime's
	// deadlock detector counts as asleep (no timer, network or syscall).
	deadlockSafe bool
	// leaks says nothing reachable can unblock it, so the goroutineleak
	// profile reports it.
	leaks  bool
	elided bool
	locked bool
	start  func(r *rec)
}

// keep holds values that must stay reachable, so that the goroutines
// blocked on them are not reported as leaked. The generator is a
// short-lived command: this global is not shared with any test.
var keep struct {
	sync.Mutex
	v []any
}

func keepAlive(v any) {
	keep.Lock()
	keep.v = append(keep.v, v)
	keep.Unlock()
}

type waiter struct{ ch chan int }

func (w *waiter) wait(r *rec) {
	r.mark()
	<-w.ch
}

func (w *waiter) waitArgs(r *rec, n int, s string) {
	r.mark()
	<-w.ch
	fmt.Println(n, s)
}

type valueWaiter struct{ ch chan int }

func (w valueWaiter) wait(r *rec) {
	r.mark()
	<-w.ch
}

func genericWait[T any](r *rec, ch chan T) {
	r.mark()
	<-ch
}

func recurse(r *rec, ch chan int, n int) int {
	if n == 0 {
		r.mark()
		return <-ch
	}
	return recurse(r, ch, n-1) + 1
}

// goroutineSpecs lists the goroutines of the plain scenario: one per wait
// state and per way of naming a function the runtime prints.
func goroutineSpecs() []spec {
	return append(portableSpecs(), platformSpecs()...)
}

func portableSpecs() []spec {
	return []spec{
		{name: "chan-receive", state: "chan receive", deadlockSafe: true, leaks: true, start: func(r *rec) {
			ch := make(chan int)
			r.created()
			go func() {
				r.mark()
				<-ch
			}()
		}},
		{name: "chan-send", state: "chan send", deadlockSafe: true, leaks: true, start: func(r *rec) {
			ch := make(chan int)
			r.created()
			go func() {
				r.mark()
				ch <- 1
			}()
		}},
		{name: "chan-receive-reachable", state: "chan receive", deadlockSafe: true, start: func(r *rec) {
			ch := make(chan int)
			keepAlive(ch)
			r.created()
			go func() {
				r.mark()
				<-ch
			}()
		}},
		{name: "nil-chan-receive", state: "chan receive (nil chan)", deadlockSafe: true, leaks: true, start: func(r *rec) {
			r.created()
			go func() {
				var ch chan int
				r.mark()
				<-ch
			}()
		}},
		{name: "nil-chan-send", state: "chan send (nil chan)", deadlockSafe: true, leaks: true, start: func(r *rec) {
			r.created()
			go func() {
				var ch chan int
				r.mark()
				ch <- 1
			}()
		}},
		{name: "select", state: "select", deadlockSafe: true, leaks: true, start: func(r *rec) {
			a, b := make(chan int), make(chan string)
			r.created()
			go func() {
				r.mark()
				select {
				case <-a:
				case b <- "x":
				}
			}()
		}},
		{name: "select-no-cases", state: "select (no cases)", deadlockSafe: true, leaks: true, start: func(r *rec) {
			r.created()
			go func() {
				r.mark()
				select {}
			}()
		}},
		{name: "mutex", state: "sync.Mutex.Lock", deadlockSafe: true, start: func(r *rec) {
			mu := new(sync.Mutex)
			mu.Lock()
			keepAlive(mu)
			r.created()
			go func() {
				r.mark()
				mu.Lock()
			}()
		}},
		{name: "rwmutex-rlock", state: "sync.RWMutex.RLock", deadlockSafe: true, start: func(r *rec) {
			mu := new(sync.RWMutex)
			mu.Lock()
			keepAlive(mu)
			r.created()
			go func() {
				r.mark()
				mu.RLock()
			}()
		}},
		{name: "rwmutex-lock", state: "sync.RWMutex.Lock", deadlockSafe: true, start: func(r *rec) {
			mu := new(sync.RWMutex)
			mu.RLock()
			keepAlive(mu)
			r.created()
			go func() {
				r.mark()
				mu.Lock()
			}()
		}},
		{name: "waitgroup", state: "sync.WaitGroup.Wait", deadlockSafe: true, leaks: true, start: func(r *rec) {
			wg := new(sync.WaitGroup)
			wg.Add(1)
			r.created()
			go func() {
				r.mark()
				wg.Wait()
			}()
		}},
		{name: "cond", state: "sync.Cond.Wait", deadlockSafe: true, start: func(r *rec) {
			c := sync.NewCond(new(sync.Mutex))
			keepAlive(c)
			r.created()
			go func() {
				c.L.Lock()
				r.mark()
				c.Wait()
			}()
		}},
		{name: "sleep", state: "sleep", start: func(r *rec) {
			r.created()
			go func() {
				r.mark()
				time.Sleep(time.Hour)
			}()
		}},
		{name: "io-wait", state: "IO wait", start: func(r *rec) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				panic(fmt.Sprintf("gendump: listening on loopback: %v", err))
			}
			keepAlive(ln)
			r.created()
			go func() {
				r.mark()
				_, _ = ln.Accept()
			}()
		}},
		{name: "locked-to-thread", state: "chan receive", locked: true, start: func(r *rec) {
			ch := make(chan int)
			keepAlive(ch)
			r.created()
			go func() {
				runtime.LockOSThread()
				r.mark()
				<-ch
			}()
		}},
		{name: "generic", state: "chan receive", deadlockSafe: true, leaks: true, start: func(r *rec) {
			ch := make(chan struct{ a, b int })
			r.created()
			go genericWait(r, ch)
		}},
		{name: "method-value", state: "chan receive", deadlockSafe: true, leaks: true, start: func(r *rec) {
			w := &waiter{ch: make(chan int)}
			f := w.wait
			r.created()
			go f(r)
		}},
		{name: "gowrap", state: "chan receive", deadlockSafe: true, leaks: true, start: func(r *rec) {
			w := &waiter{ch: make(chan int)}
			r.created()
			go w.waitArgs(r, 42, strings.Repeat("x", 3))
		}},
		{name: "value-receiver", state: "chan receive", deadlockSafe: true, leaks: true, start: func(r *rec) {
			w := valueWaiter{ch: make(chan int)}
			r.created()
			go w.wait(r)
		}},
		{name: "nested-closures", state: "chan receive", deadlockSafe: true, leaks: true, start: func(r *rec) {
			ch := make(chan int)
			r.created()
			go func() {
				inner := func() {
					deeper := func() {
						r.mark()
						<-ch
					}
					deeper()
				}
				inner()
			}()
		}},
		{name: "deep-recursion", state: "chan receive", deadlockSafe: true, leaks: true, elided: true, start: func(r *rec) {
			ch := make(chan int)
			r.created()
			go recurse(r, ch, 150)
		}},
		{name: "labels", state: "chan receive", deadlockSafe: true, leaks: true, start: func(r *rec) {
			ch := make(chan int)
			r.Labels = map[string]string{"request": "r-17", "user id": "42", "tricky": `v ]}, : x "q"`}
			pprof.Do(context.Background(), pprof.Labels("request", "r-17", "user id", "42", "tricky", `v ]}, : x "q"`), func(context.Context) {
				r.created()
				go func() {
					r.mark()
					<-ch
				}()
			})
		}},
		{name: "grandchild", state: "chan receive", deadlockSafe: true, leaks: true, start: func(r *rec) {
			ch := make(chan int)
			done := make(chan struct{})
			go func() {
				r.created()
				go func() {
					r.mark()
					<-ch
				}()
				<-r.ready
				close(done)
				<-ch
			}()
			<-done
		}},
	}
}

// started is a goroutine the generator started and what it recorded.
type started struct {
	spec spec
	rec  *rec
}

// startAll starts the goroutines of specs that pass keep and waits until
// each has recorded itself.
func startAll(specs []spec, keepSpec func(spec) bool) []started {
	var out []started
	for _, s := range specs {
		if keepSpec != nil && !keepSpec(s) {
			continue
		}
		r := newRec(s.name, s.state)
		r.Elided, r.Locked = s.elided, s.locked
		s.start(r)
		out = append(out, started{spec: s, rec: r})
	}
	// A pending timer would keep the deadlock scenario's runtime from
	// declaring the deadlock, so this one is stopped on the way out.
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for _, s := range out {
		select {
		case <-s.rec.ready:
		case <-timeout.C:
			panic(fmt.Sprintf("gendump: goroutine %q did not start", s.spec.name))
		}
	}
	return out
}

// waitBlocked polls the goroutine dump until every started goroutine shows
// its expected wait state, so that no dump catches one on its way there.
func waitBlocked(gs []started) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		dump := stackAll()
		missing := ""
		for _, s := range gs {
			t := s.rec.truth()
			if !strings.Contains(dump, fmt.Sprintf("goroutine %d [%s", t.ID, t.State)) {
				missing = t.Name
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			panic(fmt.Sprintf("gendump: goroutine %q never reached its wait state", missing))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stackAll returns runtime.Stack of all goroutines, whatever its size.
func stackAll() string { return string(stacks.All()) }

// truths returns what the started goroutines recorded, with the labels
// only when the dump prints them.
func truths(gs []started, withLabels bool) []*GoroutineTruth {
	out := make([]*GoroutineTruth, 0, len(gs))
	for _, s := range gs {
		t := s.rec.truth()
		if !withLabels {
			t.Labels = nil
		}
		out = append(out, t)
	}
	return out
}
