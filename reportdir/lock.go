package reportdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// The report directory is shared by every test binary of a `go test ./...`
// run. Each WriteDir holds an exclusive lock on the directory while it
// replaces its package's files and rebuilds the index, so the index is
// always built from a complete set of files and two writers never
// interleave.
const lockFileName = ".leakhound.lock"

// lockWithFile takes the lock by creating path with O_EXCL and releases it
// by removing the file. It is the portable way to lock where flock is
// missing; it cannot tell a live holder from a dead one, so it treats a
// lock file older than stale as abandoned and removes it.
func lockWithFile(path string, stale, timeout time.Duration) (unlock func() error, err error) {
	deadline := time.Now().Add(timeout)
	wait := 2 * time.Millisecond
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			// The content only helps a person find the holder.
			_, werr := f.WriteString(strconv.Itoa(os.Getpid()) + "\n")
			cerr := f.Close()
			if werr != nil || cerr != nil {
				os.Remove(path)
				return nil, fmt.Errorf("creating the report lock %s: %w", path, errors.Join(werr, cerr))
			}
			return func() error {
				if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("releasing the report lock %s: %w", path, err)
				}
				return nil
			}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("creating the report lock %s: %w", path, err)
		}
		if st, serr := os.Stat(path); serr == nil && time.Since(st.ModTime()) > stale {
			// Abandoned by a writer that died; take it over on the next try.
			os.Remove(path)
			continue
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("waiting for the report lock %s: still held after %v; remove it if no leakhound writer is running", path, timeout)
		}
		time.Sleep(wait)
		wait = min(2*wait, 100*time.Millisecond)
	}
}

// lockPath is the lock file of a report directory.
func lockPath(dir string) string { return filepath.Join(dir, lockFileName) }
