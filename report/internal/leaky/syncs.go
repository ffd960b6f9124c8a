package leaky

import (
	"errors"
	"sync"
)

// Counter forgets to unlock its mutex on an error path.
type Counter struct {
	mu   sync.Mutex
	n    int
	fail bool
}

// Inc adds one unless the counter is failing; its error path returns with
// the mutex still locked.
func (c *Counter) Inc() error {
	c.mu.Lock() // leak:here LH012
	if c.fail {
		return errors.New("counter failing")
	}
	c.n++
	c.mu.Unlock()
	return nil
}

// MutexHeld makes Inc fail once, leaving the mutex locked, then starts a
// goroutine that calls Inc again.
func MutexHeld() (release func()) {
	c := &Counter{fail: true}
	_ = c.Inc()
	c.fail = false
	go func() { _ = c.Inc() }()
	return c.mu.Unlock
}

// Cache takes its read lock twice on one path.
type Cache struct {
	mu     sync.RWMutex
	m      map[string]string
	before func() // test hook between the two read locks
}

// Get looks up k under the read lock and calls lookup, which read-locks
// again.
func (c *Cache) Get(k string) string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	c.before()
	return c.lookup(k)
}

func (c *Cache) lookup(k string) string {
	c.mu.RLock() // leak:here LH013
	defer c.mu.RUnlock()
	return c.m[k]
}

// Set stores k under the write lock.
func (c *Cache) Set(k, v string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = v
}

// RecursiveRLock deadlocks a reader that read-locks twice with a writer
// waiting in between. writerWaiting is called once the writer has started;
// it must return only when the writer is blocked. Nothing can release the
// pair: run it in a process that exits.
func RecursiveRLock(writerWaiting func()) {
	holding, gate := make(chan struct{}), make(chan struct{})
	c := &Cache{m: map[string]string{}, before: func() { close(holding); <-gate }}
	go c.Get("k")
	<-holding // the reader holds its first read lock
	go c.Set("k", "v")
	writerWaiting()
	close(gate)
}

// Batch runs jobs and waits for them; a job that fails skips Done.
type Batch struct {
	wg sync.WaitGroup
}

// Run starts one goroutine per job and waits for all of them.
func (b *Batch) Run(jobs []func() error) {
	for _, job := range jobs {
		b.wg.Add(1)
		go func() {
			if err := job(); err != nil {
				return
			}
			b.wg.Done()
		}()
	}
	b.wg.Wait() // leak:here LH014
}

// WaitGroupNoDone runs a batch whose only job fails.
func WaitGroupNoDone() (release func()) {
	b := &Batch{}
	go b.Run([]func() error{func() error { return errors.New("failed") }})
	return b.wg.Done
}

// Queue hands items to consumers; Close forgets to wake them.
type Queue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []int
	closed bool
}

// NewQueue returns an empty queue.
func NewQueue() *Queue {
	q := &Queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Pop waits for an item; it returns false once the queue is closed.
func (q *Queue) Pop() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait() // leak:here LH015
	}
	if len(q.items) == 0 {
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}

// Close marks the queue closed without waking the consumers.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
}

// CondNoBroadcast starts a consumer waiting on an empty queue; the release
// closes the queue the way Close should have, with a Broadcast.
func CondNoBroadcast() (release func()) {
	q := NewQueue()
	go q.Pop()
	return func() {
		q.Close()
		q.mu.Lock()
		q.cond.Broadcast()
		q.mu.Unlock()
	}
}
