// Package waitgroup shows a sync.WaitGroup whose Wait never returns because
// a Done is missing.
//
// An Uploader sends files in parallel and waits for all of them, with a
// timeout. LeakyUploadAll calls wg.Done() at the end of each upload but
// returns early on an error, skipping it: the counter never reaches zero,
// the goroutine waiting on wg.Wait() is stuck for good, and only the
// timeout lets the caller go. UploadAll calls wg.Add(1) before each go
// statement and defer wg.Done() first thing in the goroutine, so every
// path counts.
//
// The other classic WaitGroup mistake, calling wg.Add(1) inside the
// goroutine, is not a leak but a race: Wait can see a zero counter before
// the goroutines have added to it and return while they still run. The
// race detector reports it, so this example does not run it; the fix is
// the same as for the missing Done — Add before go.
package waitgroup

import (
	"errors"
	"sync"
)

// Uploader sends files to a store.
type Uploader struct {
	// Send stores one file.
	Send func(name string, data []byte) error

	mu   sync.Mutex
	errs []error

	// testAbandon, when set, is handed the WaitGroup LeakyUploadAll
	// abandons, so that this example's tests and the demo can free its
	// waiter afterwards (see scenario.go). Real code has no such hook.
	testAbandon func(wg *sync.WaitGroup)
}

// ErrTimeout means the uploads did not all finish in time.
var ErrTimeout = errors.New("uploads did not finish in time")

// Err returns the errors of the failed uploads so far, joined.
func (u *Uploader) Err() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return errors.Join(u.errs...)
}

// Failed returns how many uploads have failed so far.
func (u *Uploader) Failed() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.errs)
}

func (u *Uploader) fail(err error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.errs = append(u.errs, err)
}
