package nosender

import "io"

// LeakyDownload copies total bytes from src to dst, sending an update after
// each chunk. On an error it returns at once: no final update, no close —
// whoever follows updates is left waiting.
func LeakyDownload(dst io.Writer, src io.Reader, total int64, updates chan<- Progress) error {
	return copyChunks(dst, src, total, func(p Progress) { updates <- p })
}

// LeakyFollow starts a goroutine that records the updates of the download
// name until one says it is complete. It has no other way to stop: not a
// closed channel, not a cancelled context.
func (t *Tracker) LeakyFollow(name string, updates <-chan Progress) {
	go func() {
		for {
			p := <-updates // leak: blocks here
			t.record(name, p)
			if p.Complete() {
				return
			}
		}
	}()
}
