package reportdir

import (
	"bytes"
	"path/filepath"
	"sync"

	"github.com/leakhound/leakhound/report"
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
	m map[processKey][]rememberedReport
}{m: map[processKey][]rememberedReport{}}

type processKey struct{ dir, pkg string }

// rememberedReport is a report written before, with its content as JSON
// so that an equal copy passed later is recognised too.
type rememberedReport struct {
	r       *report.Report
	content string
}

// rememberReports adds the reports not written before and returns every
// report of the package, in the order they were first written. A report
// counts as written before when it is the same report, or a copy with the
// same content: a caller that passes all its reports each time, even
// rebuilt ones, does not duplicate any. The caller holds processReports'
// lock.
func rememberReports(dir, pkg string, reports []*report.Report) []*report.Report {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	key := processKey{dir, pkg}
	known := processReports.m[key]
	for _, r := range reports {
		if r == nil {
			continue
		}
		content := reportContent(r)
		seen := false
		for _, k := range known {
			if k.r == r || k.content == content {
				seen = true
				break
			}
		}
		if !seen {
			known = append(known, rememberedReport{r, content})
		}
	}
	processReports.m[key] = known
	all := make([]*report.Report, len(known))
	for i, k := range known {
		all[i] = k.r
	}
	return all
}

// reportContent is the report as its JSON file would hold it. GeneratedAt
// is left zero so equal reports give equal content.
func reportContent(r *report.Report) string {
	var b bytes.Buffer
	if err := (&report.Document{Reports: []*report.Report{r}}).WriteJSON(&b); err != nil {
		return ""
	}
	return b.String()
}
