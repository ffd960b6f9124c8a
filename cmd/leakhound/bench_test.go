package main

import (
	"bytes"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/bigdump"
)

// bigDump is the 100k-goroutine dump, written once per test process.
var bigDump struct {
	once sync.Once
	path string
	err  error
}

// bigDumpPath returns the dump file, creating it in tmp/ on first use.
func bigDumpPath(b *testing.B) string {
	b.Helper()
	bigDump.once.Do(func() { bigDump.path, bigDump.err = bigdump.Write("tmp") })
	if bigDump.err != nil {
		b.Fatal(bigDump.err)
	}
	return bigDump.path
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
