// Package charoncondsignal reproduces a synchronisation bug fixed in
// Obol's charon leadercast (https://github.com/ObolNetwork/charon/pull/123).
//
// Goroutines waiting for the message of their own duty shared one
// sync.Cond, and a delivery woke a single waiter with Signal. When the
// woken waiter was waiting for another duty, it went back to waiting and
// the waiter whose message had arrived was never woken. The fix replaced
// the Cond with a mutex and a channel per duty, so a delivery wakes
// exactly the waiters of its duty; the patch here gets the same effect by
// waking every waiter (Broadcast), each of which checks for its own
// message.
package charoncondsignal

import (
	"runtime"
	"sync"
)

// leadercast delivers each duty's message to the goroutines awaiting it.
type leadercast struct {
	mu    sync.Mutex
	cond  *sync.Cond
	msgs  map[int]string
	waits int
}

func newLeadercast() *leadercast {
	l := &leadercast{msgs: make(map[int]string)}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// await returns duty's message once delivered.
func (l *leadercast) await(duty int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		if m, ok := l.msgs[duty]; ok {
			return m
		}
		l.waits++
		l.cond.Wait()
	}
}

// deliver stores duty's message and wakes a waiter.
func (l *leadercast) deliver(duty int, msg string) {
	l.mu.Lock()
	l.msgs[duty] = msg
	l.mu.Unlock()
	l.cond.Signal()
}

// waitsReach blocks until the waiters have waited n times in all: the
// driver's way to order deliveries after waits without sleeping.
func (l *leadercast) waitsReach(n int) {
	for {
		l.mu.Lock()
		w := l.waits
		l.mu.Unlock()
		if w >= n {
			return
		}
		runtime.Gosched()
	}
}

// Run has duties 1 and 2 awaited, in that order, then delivers duty 2's
// message and, once its wake-up has gone to duty 1's waiter, duty 1's.
func Run() {
	l := newLeadercast()
	go l.await(1)
	l.waitsReach(1)
	go l.await(2)
	l.waitsReach(2)
	l.deliver(2, "attestation")
	l.waitsReach(3)
	l.deliver(1, "proposal")
}
