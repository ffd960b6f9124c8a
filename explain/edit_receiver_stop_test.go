package explain

import "testing"

// receiverStopSource holds sends whose receiver left by a way out that
// stays open once taken, and a near miss whose way out may never open;
// see editCase for the marks.
const receiverStopSource = `package x

import (
	"context"
	"errors"
)

// run leaves on its context and cancels the group's: a failing runnable's
// send then waits forever.
type group struct {
	ctx    context.Context
	cancel context.CancelFunc
	errs   chan error
}

func newGroup() *group {
	ctx, cancel := context.WithCancel(context.Background())
	return &group{ctx: ctx, cancel: cancel, errs: make(chan error)}
}

func (g *group) add(start func() error) {
	go func() { // go:add
		if err := start(); err != nil {
			g.errs <- err // mark:add
		}
	}()
}

func (g *group) run(ctx context.Context) error {
	select {
	case err := <-g.errs:
		return err
	case <-ctx.Done():
		g.cancel()
		return nil
	}
}

// sendLoop returns on a send error; watch closes closec right after.
type stream struct {
	ctrl   chan string
	closec chan struct{}
	send   func(string) error
}

func (s *stream) recvLoop(reqs []string) {
	for _, r := range reqs {
		s.ctrl <- r // mark:recv
	}
}

func (s *stream) sendLoop() {
	for {
		select {
		case c := <-s.ctrl:
			if err := s.send(c); err != nil {
				return
			}
		case <-s.closec:
			return
		}
	}
}

func (s *stream) watch(reqs []string) {
	go s.recvLoop(reqs) // go:watch
	s.sendLoop()
	close(s.closec)
}

// quit is closed only by a Stop that nothing shows runs after consume
// gives up: a select on it may wait as long.
type feed struct {
	out  chan string
	quit chan struct{}
}

func (f *feed) produce(items []string) {
	for _, it := range items {
		f.out <- it // mark:produce
	}
}

func (f *feed) consume(use func(string) error) {
	for {
		select {
		case v := <-f.out:
			if use(v) != nil {
				return
			}
		case <-f.quit:
			return
		}
	}
}

func (f *feed) Stop() { close(f.quit) }

// serve returns when process fails and leaves receive's send waiting; its
// only caller cancels the stream's context once serve has returned.
type adsStream struct {
	ctx  context.Context
	reqs []string
}

func receive(s *adsStream, reqs chan<- string) {
	for _, r := range s.reqs {
		reqs <- r // mark:stream
	}
}

func serve(s *adsStream, process func(string) error) error {
	reqs := make(chan string)
	go receive(s, reqs) // go:stream
	for r := range reqs {
		if err := process(r); err != nil {
			return err
		}
	}
	return nil
}

func handle() {
	ctx, cancel := context.WithCancel(context.Background())
	s := &adsStream{ctx: ctx, reqs: []string{"a", "b"}}
	_ = serve(s, func(string) error { return errors.New("bad") })
	cancel()
}

// pump's caller never cancels the context it builds the stream from.
type pipe struct {
	ctx  context.Context
	reqs []string
}

func pumpOut(p *pipe, reqs chan<- string) {
	for _, r := range p.reqs {
		reqs <- r // mark:pipe
	}
}

func pump(p *pipe, process func(string) error) error {
	reqs := make(chan string)
	go pumpOut(p, reqs) // go:pipe
	for r := range reqs {
		if err := process(r); err != nil {
			return err
		}
	}
	return nil
}

func handlePipe() {
	ctx, cancel := context.WithCancel(context.Background())
	_ = cancel
	p := &pipe{ctx: ctx}
	_ = pump(p, func(string) error { return errors.New("bad") })
}
`

// TestReceiverStopEdits checks that a send whose receiver gave up selects
// on the receiver's way out (the owner's context its cancel ends, or a stop
// channel closed once the receiver returns), and that a stop channel not
// shown to close after the receiver leaves gets no such edit.
func TestReceiverStopEdits(t *testing.T) {
	checkEditCases(t, receiverStopSource, []editCase{
		{"select on the context the receiver cancels", "add", "chan send", "x.(*group).add.func1", "add",
			[]string{"g.errs <- err → select { case g.errs <- err: case <-g.ctx.Done(): return }"},
			"send in a select that also returns on <-g.ctx.Done()", ""},
		{"select on the stop channel closed after the receiver returns", "recv", "chan send", "x.(*stream).recvLoop", "",
			[]string{"s.ctrl <- r → select { case s.ctrl <- r: case <-s.closec: return }"},
			"closes s.closec at line 68, right after sendLoop returns", ""},
		{"no select on a stop channel nothing closes after", "produce", "chan send", "x.(*feed).produce", "",
			nil, "", ""},
		{"select on the context the receiver's caller cancels after it", "stream", "chan send", "x.receive", "stream",
			[]string{"reqs <- r → select { case reqs <- r: case <-s.ctx.Done(): return }"},
			"every caller of serve cancels that context once serve returns", ""},
		{"no select on a context its owner never cancels", "pipe", "chan send", "x.pumpOut", "pipe",
			nil, "", ""},
	})
}
