package explain

import "testing"

// broadcastSource holds a Cond signalled for waiters that wait for
// different conditions, and near misses: one waiter only, and waiters
// that all wait for the same thing; see editCase for the marks.
const broadcastSource = `package x

import "sync"

type board struct {
	mu   sync.Mutex
	cond *sync.Cond
	msgs map[int]string
}

// await waits for its own duty's message: two awaits run at once.
func (b *board) await(duty int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		if m, ok := b.msgs[duty]; ok {
			return m
		}
		b.cond.Wait() // mark:await
	}
}

func (b *board) deliver(duty int, msg string) {
	b.mu.Lock()
	b.msgs[duty] = msg
	b.mu.Unlock()
	b.cond.Signal()
}

func startBoard(b *board) {
	go b.await(1) // go:await
	go b.await(2)
}

type queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
}

// take waits for any item: every waiter waits for the same thing, so
// Signal wakes one that can go on.
func (q *queue) take(n int) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		q.cond.Wait() // mark:take
	}
	it := q.items[0]
	q.items = q.items[1:]
	return it + n
}

func (q *queue) put(it int) {
	q.mu.Lock()
	q.items = append(q.items, it)
	q.mu.Unlock()
	q.cond.Signal()
}

func startQueue(q *queue) {
	go q.take(1) // go:take
	go q.take(2)
}

type slot struct {
	mu   sync.Mutex
	cond *sync.Cond
	vals map[int]bool
}

// wait for its own key, but only one goroutine ever waits.
func (s *slot) wait(key int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if s.vals[key] {
			return
		}
		s.cond.Wait() // mark:slot
	}
}

func (s *slot) set(key int) {
	s.mu.Lock()
	s.vals[key] = true
	s.mu.Unlock()
	s.cond.Signal()
}

func startSlot(s *slot) {
	go s.wait(1) // go:slot
}
`

// TestBroadcastEdits checks that Signal becomes Broadcast where waiters
// of one Cond wait for different conditions, and not where they all wait
// for the same one or only one waits.
func TestBroadcastEdits(t *testing.T) {
	checkEditCases(t, broadcastSource, []editCase{
		{"broadcast to waiters of different duties", "await", "sync.Cond.Wait", "x.(*board).await", "await",
			[]string{"b.cond.Signal() → b.cond.Broadcast()"}, "Broadcast instead of Signal at line 27", ""},
		{"no broadcast where every waiter waits for the same", "take", "sync.Cond.Wait", "x.(*queue).take", "take",
			nil, "", ""},
		{"no broadcast for a single waiter", "slot", "sync.Cond.Wait", "x.(*slot).wait", "slot",
			nil, "", ""},
	})
}
