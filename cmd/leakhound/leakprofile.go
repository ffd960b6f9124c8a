package main

import (
	"bytes"

	gpprof "github.com/google/pprof/profile"
)

// emptyLeakProfile reports whether data is a goroutineleak profile listing
// no goroutine. The runtime writes one when it proved nothing leaked, so it
// is a clean result to report, unlike other input without goroutines,
// which means the input is not what the person thought it was.
func emptyLeakProfile(data []byte) bool {
	if rest, ok := bytes.CutPrefix(bytes.TrimSpace(data), []byte("goroutineleak profile: total ")); ok {
		return string(bytes.TrimSpace(rest)) == "0"
	}
	p, err := gpprof.ParseData(data)
	if err != nil || len(p.Sample) > 0 {
		return false
	}
	for _, st := range p.SampleType {
		if st.Type == "goroutineleak" {
			return true
		}
	}
	return p.PeriodType != nil && p.PeriodType.Type == "goroutineleak"
}
