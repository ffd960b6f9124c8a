package harness

import (
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/leakhound/leakhound/explain"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// Report explains gs as the goroutines the run left behind, each attributed
// to the scenario by its label.
func (r *Run) Report(gs []*profile.Goroutine) *report.Report {
	leaks := make([]report.Leak, len(gs))
	for i, g := range gs {
		leaks[i] = report.Leak{Goroutine: g, Test: r.Scenario.Name, Attribution: profile.ByLabel}
	}
	rep := report.New(leaks, report.Options{
		Title:      fmt.Sprintf("%s: %s", r.Scenario.Name, r.Scenario.Title),
		Package:    "github.com/leakhound/leakhound/examples/" + r.Scenario.Name,
		ModuleRoot: ModuleRoot(),
	})
	explain.Report(rep, explain.Options{})
	return rep
}

// GroupAt returns the group of rep blocked at file:line (file compared by
// suffix), or nil.
func GroupAt(rep *report.Report, file string, line int) *report.Group {
	for _, g := range rep.Groups {
		if g.Block.Line == line && hasPathSuffix(g.Block.File, file) {
			return g
		}
	}
	return nil
}

// ModuleRoot is the repository root, the directory of leakhound's go.mod
// (the examples are a module nested in it), found from this
// source file's position; "" when the source is not where it was built.
func ModuleRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	// This file is examples/internal/harness/report.go under the root.
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}
