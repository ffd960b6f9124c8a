package explain

import "testing"

// stopCloseSource holds a stop channel sent one value for several
// waiters, and near misses where a close would change what a receiver
// reads or where one send is enough; see editCase for the marks.
const stopCloseSource = `package x

type pool struct {
	jobs chan func()
	stop chan struct{}
}

func newPool(n int) *pool {
	p := &pool{jobs: make(chan func()), stop: make(chan struct{})}
	for range n {
		go p.worker() // go:pool
	}
	return p
}

func (p *pool) worker() {
	for {
		select { // mark:pool
		case job := <-p.jobs:
			job()
		case <-p.stop:
			return
		}
	}
}

// Stop releases one worker of n.
func (p *pool) Stop() {
	p.stop <- struct{}{}
}

type tagged struct {
	jobs chan func()
	stop chan struct{}
}

func newTagged(n int) *tagged {
	p := &tagged{jobs: make(chan func()), stop: make(chan struct{})}
	for range n {
		go p.worker() // go:tagged
	}
	return p
}

func (p *tagged) worker() {
	for {
		select { // mark:tagged
		case job := <-p.jobs:
			job()
		case <-p.stop:
			return
		}
	}
}

// drained tells a stop from a close by ok: a close would change it.
func (p *tagged) drained() bool {
	_, ok := <-p.stop
	return ok
}

func (p *tagged) Stop() {
	p.stop <- struct{}{}
}

type single struct{ stop chan struct{} }

func newSingle() *single {
	s := &single{stop: make(chan struct{})}
	go s.loop() // go:single
	return s
}

func (s *single) loop() {
	for {
		select { // mark:single
		case <-s.stop:
			return
		}
	}
}

func (s *single) Stop() { s.stop <- struct{}{} }
`

// TestStopCloseEdits checks that one send on a stop channel several
// goroutines wait on becomes a close, and that no close is offered where a
// receiver reads what it got or only one goroutine waits.
func TestStopCloseEdits(t *testing.T) {
	checkEditCases(t, stopCloseSource, []editCase{
		{"close the stop channel several workers wait on", "pool", "select", "x.(*pool).worker", "pool",
			[]string{"p.stop <- struct{}{} → close(p.stop)"}, "replace the send at line 29 with close(p.stop)", ""},
		{"no close where a receiver reads ok", "tagged", "select", "x.(*tagged).worker", "tagged",
			nil, "", ""},
		{"no close for a single waiter", "single", "select", "x.(*single).loop", "single",
			nil, "", ""},
	})
}
