package explain

import "testing"

// cancelOverwrittenSource holds a cancel kept in a field and overwritten
// by the next call, and a near miss whose field nothing ever calls; see
// editCase for the marks.
const cancelOverwrittenSource = `package x

import "context"

func watch(ctx context.Context, source <-chan string) <-chan string {
	out := make(chan string)
	go func() { // go:watch
		defer close(out)
		for {
			select { // mark:watch
			case e := <-source:
				out <- e
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

type snapshotter struct {
	source      chan string
	events      <-chan string
	cancelWatch context.CancelFunc
}

// restart starts a new watch and forgets the last one's cancel.
func (s *snapshotter) restart(ctx context.Context) {
	watchCtx, cancel := context.WithCancel(ctx)
	s.cancelWatch = cancel
	s.events = watch(watchCtx, s.source)
}

func (s *snapshotter) stop() { s.cancelWatch() }

func follow(ctx context.Context, source <-chan string) <-chan string {
	out := make(chan string)
	go func() { // go:follow
		defer close(out)
		for {
			select { // mark:follow
			case e := <-source:
				out <- e
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

type tail struct {
	source <-chan string
	events <-chan string
	cancel context.CancelFunc
}

// restart keeps the cancel, but nothing calls it: cancelling the last
// context before the next would still leave the last one running.
func (t *tail) restart(ctx context.Context) {
	followCtx, cancel := context.WithCancel(ctx)
	t.cancel = cancel
	t.events = follow(followCtx, t.source)
}
`

// TestCancelOverwrittenEdits checks that a cancel kept in a field is
// called before the field is overwritten, and not where nothing calls the
// field at all.
func TestCancelOverwrittenEdits(t *testing.T) {
	checkEditCases(t, cancelOverwrittenSource, []editCase{
		{"cancel the previous watch before starting the next", "watch", "select", "x.watch.func1", "watch",
			[]string{"+ if s.cancelWatch != nil { s.cancelWatch() }"}, "call the previous s.cancelWatch() before restart", ""},
		{"no edit where nothing calls the kept cancel", "follow", "select", "x.follow.func1", "follow",
			nil, "", ""},
	})
}
