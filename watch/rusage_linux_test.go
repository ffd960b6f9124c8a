package watch_test

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// usage returns this process's CPU time so far and its peak resident set
// in bytes (Linux reports ru_maxrss in KiB).
func usage() (cpu time.Duration, peakRSS int64) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), ru.Maxrss * 1024
}

// resident returns this process's resident set now, in bytes (VmRSS of
// /proc/self/status), or 0 when it cannot be read.
func resident() int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(status) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			kb, _ := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
			return kb * 1024
		}
	}
	return 0
}
