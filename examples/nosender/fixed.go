package nosender

import (
	"context"
	"io"
)

// Download is LeakyDownload done right: the sender owns the channel, so it
// closes it on every path — after a last update carrying the error when
// the download fails. Its sends give up when ctx is cancelled, so a
// follower that has gone away cannot block it either.
func Download(ctx context.Context, dst io.Writer, src io.Reader, total int64, updates chan<- Progress) error {
	defer close(updates)
	send := func(p Progress) {
		select {
		case updates <- p:
		case <-ctx.Done():
		}
	}
	var last Progress
	err := copyChunks(dst, src, total, func(p Progress) { last = p; send(p) })
	if err != nil {
		last.Err = err
		send(last)
	}
	return err
}

// Follow starts a goroutine that records the updates of the download name
// until the channel is closed or ctx is cancelled, whichever comes first.
// It returns a channel closed when that goroutine has returned.
func (t *Tracker) Follow(ctx context.Context, name string, updates <-chan Progress) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case p, ok := <-updates:
				if !ok {
					return // the download is over, however it ended
				}
				t.record(name, p)
			case <-ctx.Done():
				return
			}
		}
	}()
	return done
}
