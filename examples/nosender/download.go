// Package nosender shows a goroutine blocked forever on a receive: the
// goroutine that was supposed to send stopped early, without sending and
// without closing the channel.
//
// A download reports its progress on a channel; a Tracker follows it in the
// background. The leaky pair, LeakyDownload and LeakyFollow, agree on one
// rule only: the follower stops when a final update says the download is
// complete. When the download fails half-way, that update never comes, the
// channel is never closed, and the follower waits on its receive forever.
// The fixed pair, Download and Follow, close the channel on every path and
// watch it with v, ok := <-ch and ctx.Done().
package nosender

import (
	"errors"
	"io"
	"sync"
)

// Progress says how much of a download has arrived.
type Progress struct {
	// Done and Total are the bytes received so far and expected.
	Done, Total int64
	// Err is set on the last update of a failed download (fixed version).
	Err error
}

// Complete reports whether p is the final update of a successful download.
func (p Progress) Complete() bool { return p.Err == nil && p.Done >= p.Total }

// Tracker keeps the latest progress of each download, for a status page.
type Tracker struct {
	mu   sync.Mutex
	last map[string]Progress
}

// NewTracker returns an empty Tracker.
func NewTracker() *Tracker { return &Tracker{last: make(map[string]Progress)} }

// Last returns the latest progress recorded for name.
func (t *Tracker) Last(name string) (Progress, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, ok := t.last[name]
	return p, ok
}

func (t *Tracker) record(name string, p Progress) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last[name] = p
}

// chunk is the size of each read of a download.
const chunk = 4 << 10

// copyChunks copies src to dst in chunks, calling report after each one.
func copyChunks(dst io.Writer, src io.Reader, total int64, report func(Progress)) error {
	buf := make([]byte, chunk)
	var done int64
	for done < total {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return werr
			}
			done += int64(n)
			report(Progress{Done: done, Total: total})
		}
		if errors.Is(err, io.EOF) && done < total {
			return io.ErrUnexpectedEOF
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
	}
	return nil
}
