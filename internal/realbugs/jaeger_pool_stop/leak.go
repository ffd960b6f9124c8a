// Package jaegerpoolstop reproduces a goroutine leak fixed in Jaeger's
// HotROD example job pool (https://github.com/jaegertracing/jaeger/pull/1454,
// issue https://github.com/jaegertracing/jaeger/issues/1453).
//
// The pool's workers each wait for a job or for the stop channel. Stop
// sent one value on that channel, which stops one worker; with several
// workers the others waited forever. The fix closes the stop channel
// instead, which every worker sees.
package jaegerpoolstop

// Pool runs jobs on a fixed set of workers.
type Pool struct {
	jobs chan func()
	stop chan struct{}
}

// New starts a pool of n workers.
func New(n int) *Pool {
	p := &Pool{jobs: make(chan func()), stop: make(chan struct{})}
	for range n {
		go p.worker()
	}
	return p
}

func (p *Pool) worker() {
	for {
		select {
		case job := <-p.jobs:
			job()
		case <-p.stop:
			return
		}
	}
}

// Execute runs job on a free worker.
func (p *Pool) Execute(job func()) {
	p.jobs <- job
}

// Stop halts all the workers.
func (p *Pool) Stop() {
	p.stop <- struct{}{}
}

// Run starts a pool of three workers, runs a job and stops the pool.
func Run() {
	p := New(3)
	p.Execute(func() {})
	p.Stop()
}
