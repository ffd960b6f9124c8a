package leakcheck

import (
	"sync"

	"github.com/leakhound/leakhound/report"
)

// Goroutines a Check already failed its test for, so that VerifyTestMain,
// looking at the whole process after the tests, counts them as reported
// instead of failing the package a second time for the same leak.

// reportedLeaks maps the ID of each goroutine a Check reported to the test
// it failed. Checks add to it from parallel tests, each its own goroutines;
// VerifyTestMain reads it after m.Run returns.
var reportedLeaks struct {
	mu   sync.Mutex
	byID map[int64]string
}

// noteReported records that test failed for the goroutines of r.
func noteReported(test string, r *report.Report) {
	reportedLeaks.mu.Lock()
	defer reportedLeaks.mu.Unlock()
	if reportedLeaks.byID == nil {
		reportedLeaks.byID = make(map[int64]string)
	}
	for _, g := range r.Groups {
		for _, id := range g.IDs {
			reportedLeaks.byID[id] = test
		}
	}
}

// reportedBy returns the test a Check failed for goroutine id, or "".
func reportedBy(id int64) string {
	reportedLeaks.mu.Lock()
	defer reportedLeaks.mu.Unlock()
	return reportedLeaks.byID[id]
}

// splitReported sets apart the leaks a Check already reported, and counts
// them by the test that reported them.
func splitReported(leaks []report.Leak) (rest []report.Leak, byTest map[string]int) {
	for _, l := range leaks {
		if l.Goroutine.ID != 0 {
			if test := reportedBy(l.Goroutine.ID); test != "" {
				if byTest == nil {
					byTest = make(map[string]int)
				}
				byTest[test]++
				continue
			}
		}
		rest = append(rest, l)
	}
	return rest, byTest
}
