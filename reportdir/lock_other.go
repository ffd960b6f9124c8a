//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package reportdir

import (
	"os"
	"time"
)

// How the lock-file fallback waits. A WriteDir holds the lock for
// milliseconds, so a lock file older than lockStaleAfter was left by a
// process that died holding it.
const (
	lockStaleAfter = 30 * time.Second
	lockTimeout    = 2 * time.Minute
)

// lockDir takes the directory's exclusive lock with a lock file, the
// portable fallback where flock is not available.
func lockDir(dir string) (unlock func() error, err error) {
	return lockWithFile(lockPath(dir), lockStaleAfter, lockTimeout)
}

// lockOpenFile locks the file at path, which f has open, with a lock file
// beside it; unlock removes the lock file.
func lockOpenFile(f *os.File, path string) (unlock func() error, err error) {
	return lockWithFile(path+".lock", lockStaleAfter, lockTimeout)
}
