package watch_test

import (
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
