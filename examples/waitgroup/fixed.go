package waitgroup

import (
	"fmt"
	"sync"
	"time"
)

// UploadAll is LeakyUploadAll with the count kept right on every path:
// wg.Add(1) before the go statement, defer wg.Done() as the goroutine's
// first line. A failure now ends the wait as soon as the other uploads are
// done, and the waiting goroutine always returns.
func (u *Uploader) UploadAll(files map[string][]byte, timeout time.Duration) error {
	var wg sync.WaitGroup
	for name, data := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := u.Send(name, data); err != nil {
				u.fail(fmt.Errorf("uploading %s: %w", name, err))
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return u.Err()
	case <-time.After(timeout):
		return fmt.Errorf("%w (%v)", ErrTimeout, u.Err())
	}
}
