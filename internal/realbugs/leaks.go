package realbugs

import (
	"fmt"
	"slices"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// Leaks returns the goroutines of capt that the case started, parsed by
// profile and named after the case as their test, with the root of the
// case's module, the ModuleRoot that lets an explanation read its source.
// It is what every diagnosis scored on the corpus starts from.
func (c Case) Leaks(capt Capture) ([]report.Leak, string, error) {
	snap, err := profile.ParseBytes(capt.Dump)
	if err != nil {
		return nil, "", fmt.Errorf("parsing the dump: %w", err)
	}
	var leaks []report.Leak
	for _, g := range snap.Goroutines {
		if slices.Contains(capt.Started, g.ID) {
			leaks = append(leaks, report.Leak{Goroutine: g, Test: c.Name})
		}
	}
	root, err := ModuleRoot(c.Dir)
	if err != nil {
		return nil, "", err
	}
	return leaks, root, nil
}
