package waitgroup

import (
	"fmt"
	"sync"
	"time"
)

// LeakyUploadAll uploads every file in parallel and waits for them, giving
// up after timeout. A failed upload returns before wg.Done(), so the count
// stays above zero and the goroutine waiting on wg.Wait() never returns:
// each failure leaves it behind, and turns a quick error into a timeout.
func (u *Uploader) LeakyUploadAll(files map[string][]byte, timeout time.Duration) error {
	var wg sync.WaitGroup
	for name, data := range files {
		wg.Add(1)
		go func() {
			if err := u.Send(name, data); err != nil {
				u.fail(fmt.Errorf("uploading %s: %w", name, err))
				return
			}
			wg.Done()
		}()
	}
	if u.testAbandon != nil {
		u.testAbandon(&wg)
	}
	done := make(chan struct{})
	go func() {
		wg.Wait() // leak: blocks here
		close(done)
	}()
	select {
	case <-done:
		return u.Err()
	case <-time.After(timeout):
		return fmt.Errorf("%w (%v)", ErrTimeout, u.Err())
	}
}
