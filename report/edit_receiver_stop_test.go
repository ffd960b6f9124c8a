package report

import "testing"

// receiverStopSource holds sends whose receiver left by a way out that
// stays open once taken, and a near miss whose way out may never open;
// see editCase for the marks.
const receiverStopSource = `package x

import "context"

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
			"closes s.closec at line 65, right after sendLoop returns", ""},
		{"no select on a stop channel nothing closes after", "produce", "chan send", "x.(*feed).produce", "",
			nil, "", ""},
	})
}
