// Package bigdump writes the goroutine dump the command's benchmarks read:
// a big server's worth of goroutines, blocked in a few shapes a few frames
// deep like real code. The command's own benchmarks and the comparison
// with panicparse in interop/cmd read the same file.
package bigdump

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/stacks"
)

// Goroutines is the number of goroutines the dump holds.
const Goroutines = 100_000

// The shapes the goroutines block in, with their share of the goroutines.
func recvLeaf(c chan struct{})  { <-c }
func recvMid(c chan struct{})   { recvLeaf(c) }
func recvOuter(c chan struct{}) { recvMid(c) }

func selectLeaf(c chan struct{}, never chan int) {
	select {
	case <-c:
	case <-never:
	}
}
func selectOuter(c chan struct{}, never chan int) { selectLeaf(c, never) }

func mutexLeaf(mu *sync.Mutex) {
	mu.Lock()
	defer mu.Unlock()
}
func mutexOuter(mu *sync.Mutex) { mutexLeaf(mu) }

func waitLeaf(wg *sync.WaitGroup) { wg.Wait() }

// Write starts Goroutines goroutines, waits until all are parked, writes
// runtime.Stack of all of them to dir/dump100k.txt, releases them and
// returns the file's absolute path.
func Write(dir string) (string, error) {
	stop, never := make(chan struct{}), make(chan int)
	var mu sync.Mutex
	var gate sync.WaitGroup // never done until release: its waiters stay parked
	gate.Add(1)
	mu.Lock()
	var all sync.WaitGroup
	base := runtime.NumGoroutine()
	for i := range Goroutines {
		switch i % 10 {
		case 0, 1, 2, 3:
			all.Go(func() { recvOuter(stop) })
		case 4, 5, 6:
			all.Go(func() { selectOuter(stop, never) })
		case 7, 8:
			all.Go(func() { mutexOuter(&mu) })
		default:
			all.Go(func() { waitLeaf(&gate) })
		}
	}
	release := func() {
		close(stop)
		mu.Unlock()
		gate.Done()
		all.Wait()
	}
	defer release()

	// Parked means a dump shows every goroutine in its wait; started is
	// not enough, so poll the dump itself.
	deadline := time.Now().Add(2 * time.Minute)
	var dump []byte
	for {
		if runtime.NumGoroutine() >= base+Goroutines {
			dump = stacks.All()
			if bytes.Count(dump, []byte(" [running]:")) <= 1 && bytes.Count(dump, []byte(" [runnable]:")) == 0 &&
				bytes.Count(dump, []byte("\ngoroutine ")) >= Goroutines {
				break
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("the %d benchmark goroutines did not park within 2 minutes", Goroutines)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path, err := filepath.Abs(filepath.Join(dir, "dump100k.txt"))
	if err != nil {
		return "", err
	}
	return path, os.WriteFile(path, dump, 0o644)
}
