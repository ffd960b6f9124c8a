//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package reportdir

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockDir takes the directory's exclusive lock with flock(2). The kernel
// drops the lock when its holder exits, however it exits, so a crashed
// writer never leaves the directory locked. flock locks belong to the open
// file, so goroutines of one process exclude each other as well.
func lockDir(dir string) (unlock func() error, err error) {
	path := lockPath(dir)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening the report lock %s: %w", path, err)
	}
	if _, err := lockOpenFile(f, path); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking the report directory %s: %w", dir, err)
	}
	return func() error {
		// Closing the file releases the lock.
		if err := f.Close(); err != nil {
			return fmt.Errorf("releasing the report lock %s: %w", path, err)
		}
		return nil
	}, nil
}

// lockOpenFile takes an exclusive flock on f (opened from path). Closing
// f releases it; unlock is for the fallback's sake and does nothing here.
func lockOpenFile(f *os.File, path string) (unlock func() error, err error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			if err != nil {
				return nil, fmt.Errorf("locking %s: %w", path, err)
			}
			return func() error { return nil }, nil
		}
	}
}
