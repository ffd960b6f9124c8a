//go:build !linux

package watch_test

import "time"

// usage is not measured outside Linux.
func usage() (cpu time.Duration, peakRSS int64) { return 0, 0 }

// resident is not measured outside Linux.
func resident() int64 { return 0 }
