package profile

import "errors"

// ErrLeakProfileUnavailable means this runtime has no goroutineleak profile
// (Go 1.26 without GOEXPERIMENT=goroutineleakprofile).
var ErrLeakProfileUnavailable = errors.New("the goroutineleak profile is not available in this runtime")

// Capture takes a full snapshot of every goroutine of this process. (Stub.)
func Capture() (*Snapshot, error) { return nil, errors.New("capture not implemented yet") }

// CaptureAggregate takes the cheap aggregated view. (Stub.)
func CaptureAggregate() (*Snapshot, error) {
	return nil, errors.New("capture not implemented yet")
}

// CaptureLeaked returns the goroutines the runtime proves leaked. (Stub.)
func CaptureLeaked() (*Snapshot, error) { return nil, ErrLeakProfileUnavailable }

// LeakProfileAvailable reports whether CaptureLeaked can work. (Stub.)
func LeakProfileAvailable() bool { return false }

// CurrentID returns the ID of the calling goroutine. (Stub.)
func CurrentID() int64 { return 0 }
