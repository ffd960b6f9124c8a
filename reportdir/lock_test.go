package reportdir

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/testenv"
)

// lockers are the two ways a report directory is locked; both are tested
// on every system that can run them.
var lockers = []struct {
	name string
	lock func(dir string) (func() error, error)
}{
	{"lockDir", lockDir},
	{"lock file", func(dir string) (func() error, error) {
		return lockWithFile(filepath.Join(dir, "excl.lock"), time.Minute, time.Minute)
	}},
}

func TestLockExcludes(t *testing.T) {
	for _, l := range lockers {
		t.Run(l.name, func(t *testing.T) {
			dir := t.TempDir()
			const workers, rounds = 8, 25
			// mu only makes the counters race-free; the lock under test is
			// what must keep inside at one.
			inside := 0
			overlaps := 0
			var mu sync.Mutex // only for overlaps, which the test reads
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for range rounds {
						unlock, err := l.lock(dir)
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						inside++
						if inside != 1 {
							overlaps++
						}
						mu.Unlock()
						time.Sleep(50 * time.Microsecond)
						mu.Lock()
						inside--
						mu.Unlock()
						if err := unlock(); err != nil {
							t.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			if overlaps != 0 {
				t.Errorf("%d times two holders were inside at once", overlaps)
			}
		})
	}
}

func TestLockWithFileStale(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "excl.lock")
	if err := os.WriteFile(path, []byte("4242\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	unlock, err := lockWithFile(path, time.Minute, 5*time.Second)
	if err != nil {
		t.Fatalf("an hour-old lock left by a dead writer was not taken over: %v", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if testenv.FileExists(path) {
		t.Error("unlock left the lock file")
	}
}

func TestLockWithFileTimesOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "excl.lock")
	unlock, err := lockWithFile(path, time.Hour, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	start := time.Now()
	_, err = lockWithFile(path, time.Hour, 100*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "still held") {
		t.Fatalf("second lock = %v, want a timeout saying the lock is still held", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Errorf("gave up after %v, before the timeout", d)
	}
}

func TestLockErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	for _, l := range lockers {
		if _, err := l.lock(missing); err == nil || !strings.Contains(err.Error(), "report lock") {
			t.Errorf("%s in a missing directory = %v, want an error about the report lock", l.name, err)
		}
	}
}
