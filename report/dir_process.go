package report

import (
	"path/filepath"
	"slices"
	"sync"
)

// processReports remembers, for each report directory and package, the
// reports this process has written there, so that every WriteDir call of
// a test binary adds to the package's files instead of replacing what the
// binary's earlier checks wrote. A new process (the next `go test` run)
// starts with nothing remembered, and its first write replaces the stale
// files of the previous run.
//
// The mutex also serializes WriteDir within the process: computing the
// set and writing it must be one step, or a write of a smaller set could
// land after a write of a larger one.
var processReports = struct {
	sync.Mutex
	m map[processKey][]*Report
}{m: map[processKey][]*Report{}}

type processKey struct{ dir, pkg string }

// rememberReports adds the reports not written before (told apart by
// identity, so a caller that passes all its reports each time does not
// duplicate any) and returns every report of the package, in the order
// they were first written. The caller holds processReports' lock.
func rememberReports(dir, pkg string, reports []*Report) []*Report {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	key := processKey{dir, pkg}
	all := processReports.m[key]
	for _, r := range reports {
		if r != nil && !slices.Contains(all, r) {
			all = append(all, r)
		}
	}
	processReports.m[key] = all
	return all
}
