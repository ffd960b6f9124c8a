package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maruel/panicparse/v2/stack"
)

// benchGoroutines is the size of the dump the benchmarks read: a big
// server's worth of goroutines.
const benchGoroutines = 100_000

// bigDump is the 100k-goroutine dump, written once per test process.
var bigDump struct {
	once sync.Once
	path string
	err  error
}

// The shapes the benchmark's goroutines block in, a few frames deep like
// real code, with their share of the goroutines.
func benchRecvLeaf(c chan struct{})  { <-c }
func benchRecvMid(c chan struct{})   { benchRecvLeaf(c) }
func benchRecvOuter(c chan struct{}) { benchRecvMid(c) }

func benchSelectLeaf(c chan struct{}, never chan int) {
	select {
	case <-c:
	case <-never:
	}
}
func benchSelectOuter(c chan struct{}, never chan int) { benchSelectLeaf(c, never) }

func benchMutexLeaf(mu *sync.Mutex) {
	mu.Lock()
	defer mu.Unlock()
}
func benchMutexOuter(mu *sync.Mutex) { benchMutexLeaf(mu) }

func benchWaitLeaf(wg *sync.WaitGroup) { wg.Wait() }

// bigDumpPath returns the dump file, creating it on first use: it starts
// benchGoroutines goroutines, waits until all are parked, takes
// runtime.Stack of all of them into tmp/, and releases them.
func bigDumpPath(b *testing.B) string {
	b.Helper()
	bigDump.once.Do(func() { bigDump.path, bigDump.err = writeBigDump() })
	if bigDump.err != nil {
		b.Fatal(bigDump.err)
	}
	return bigDump.path
}

func writeBigDump() (string, error) {
	stop, never := make(chan struct{}), make(chan int)
	var mu sync.Mutex
	var gate sync.WaitGroup // never done until release: its waiters stay parked
	gate.Add(1)
	mu.Lock()
	var all sync.WaitGroup
	base := runtime.NumGoroutine()
	for i := range benchGoroutines {
		switch i % 10 {
		case 0, 1, 2, 3:
			all.Go(func() { benchRecvOuter(stop) })
		case 4, 5, 6:
			all.Go(func() { benchSelectOuter(stop, never) })
		case 7, 8:
			all.Go(func() { benchMutexOuter(&mu) })
		default:
			all.Go(func() { benchWaitLeaf(&gate) })
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
		if runtime.NumGoroutine() >= base+benchGoroutines {
			dump = allStacks()
			if bytes.Count(dump, []byte(" [running]:")) <= 1 && bytes.Count(dump, []byte(" [runnable]:")) == 0 &&
				bytes.Count(dump, []byte("\ngoroutine ")) >= benchGoroutines {
				break
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("the %d benchmark goroutines did not park within 2 minutes", benchGoroutines)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := os.MkdirAll("tmp", 0o755); err != nil {
		return "", err
	}
	path, err := filepath.Abs(filepath.Join("tmp", "dump100k.txt"))
	if err != nil {
		return "", err
	}
	return path, os.WriteFile(path, dump, 0o644)
}

// allStacks is runtime.Stack of every goroutine, into a buffer grown
// until the dump fits.
func allStacks() []byte {
	buf := make([]byte, 64<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// BenchmarkReport100k is the whole command in this process: read the file,
// parse, group, write the text report and the HTML page.
func BenchmarkReport100k(b *testing.B) {
	path := bigDumpPath(b)
	out := filepath.Join(b.TempDir(), "r.html")
	b.ReportAllocs()
	for b.Loop() {
		var stderr strings.Builder
		if code := run([]string{"report", "-html", out, path}, nil, io.Discard, &stderr); code != exitOK {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
}

// BenchmarkBinary100k runs the built binary as a person would and reports
// its peak resident memory, which the in-process numbers cannot show.
//
// The peak comes from /usr/bin/time when it is installed: Linux carries a
// process's high-water mark across exec, so a child started directly from
// this process (which held 100k goroutines) would report this process's
// size. time(1) is small, so its child's figure is the binary's own.
func BenchmarkBinary100k(b *testing.B) {
	path := bigDumpPath(b)
	out := filepath.Join(b.TempDir(), "r.html")
	timeCmd, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		b.Log("no /usr/bin/time (apt-get install time): peak-RSS-MB includes the benchmark process")
	}
	b.ReportAllocs()
	var peak int64
	for b.Loop() {
		args := []string{"report", "-html", out, path}
		var cmd *exec.Cmd
		var stderr bytes.Buffer
		if timeCmd != "" {
			cmd = exec.Command(timeCmd, append([]string{"-f", "maxrss-kib=%M", binary}, args...)...)
		} else {
			cmd = exec.Command(binary, args...)
		}
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("leakhound report: %v\n%s", err, stderr.String())
		}
		rss := peakRSS(cmd.ProcessState)
		if _, kib, ok := strings.Cut(stderr.String(), "maxrss-kib="); ok {
			if n, err := strconv.ParseInt(strings.TrimSpace(kib), 10, 64); err == nil {
				rss = n << 10
			}
		}
		peak = max(peak, rss)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
}

// BenchmarkPanicparse100k is the same dump through panicparse: scan and
// aggregate, with its path guessing and source analysis off so that both
// tools are measured reading and grouping, not looking at the disk.
func BenchmarkPanicparse100k(b *testing.B) {
	path := bigDumpPath(b)
	b.ReportAllocs()
	for b.Loop() {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		snap, _, err := stack.ScanSnapshot(bytes.NewReader(data), io.Discard, &stack.Opts{})
		if err != nil && err != io.EOF {
			b.Fatal(err)
		}
		if snap == nil || len(snap.Goroutines) < benchGoroutines {
			b.Fatalf("panicparse read %d goroutines", len(snap.Goroutines))
		}
		if agg := snap.Aggregate(stack.AnyValue); len(agg.Buckets) == 0 {
			b.Fatal("panicparse found no buckets")
		}
	}
}
