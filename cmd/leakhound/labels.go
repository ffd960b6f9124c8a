package main

import (
	"strconv"
	"strings"
)

// testLabelKey is the pprof label leakcheck puts on every goroutine a
// checked test starts (leakcheck.LabelKey; a test keeps the two equal).
// The command does not import leakcheck, a testing library, to read one
// string.
const testLabelKey = "leakhound.test"

// testFromLabels returns the test named by a goroutine's leakcheck label,
// "" when it has none. The label's value is the test name, '#', and a run
// number, which is dropped: the report groups by test, not by run.
func testFromLabels(labels map[string]string) string {
	v := labels[testLabelKey]
	if i := strings.LastIndexByte(v, '#'); i >= 0 {
		if _, err := strconv.ParseUint(v[i+1:], 10, 64); err == nil {
			return v[:i]
		}
	}
	return v
}
