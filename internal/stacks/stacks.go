// Package stacks takes the traceback of every goroutine, whatever its size:
// what tests, benchmarks and generators need before they read a dump.
// (profile.Capture has its own sized and reused buffer, for the checks'
// hot path.)
package stacks

import "runtime"

// All returns runtime.Stack(buf, true) of every goroutine, in a buffer
// grown until the traceback fits.
func All() []byte {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}
