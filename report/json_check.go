package report

import (
	"errors"
	"fmt"
)

// MaxJSONBytes bounds a JSON report ReadJSON reads: a merged report of
// 1,000 packages with 10 leaks each is 25 MB, and a file larger than this
// is not a report but something to refuse before it exhausts memory.
// Decoding costs up to 10 times the file's size (a file of tiny groups:
// 60 MiB of them held 650 MB), so the bound keeps one read under 1 GB.
const MaxJSONBytes = 64 << 20

// maxCount bounds a goroutine count in a report: no process holds more,
// and with it sums over any number of groups a file can hold cannot wrap.
const maxCount = 1 << 32

// ErrTooLarge is wrapped by ReadJSON's error when the input is larger than
// MaxJSONBytes.
var ErrTooLarge = errors.New("larger than a leakhound report can be")

// check validates a decoded document as data from anyone: counts are
// within bounds and agree with each other, indexes point inside what they
// index. Renderers and sums can then trust them.
func (w *jsonDocument) check() error {
	for i, r := range w.Reports {
		if err := r.check(); err != nil {
			return fmt.Errorf("report %d: %w", i+1, err)
		}
	}
	return nil
}

func (r *jsonReport) check() error {
	sum := 0
	for j, g := range r.Groups {
		if err := g.check(); err != nil {
			return fmt.Errorf("group %d: %w", j+1, err)
		}
		sum += g.Count // each below maxCount: cannot wrap
		if g.Diagnosis.Facts != nil && (g.Diagnosis.Facts.Cycle < 0 || g.Diagnosis.Facts.Cycle > len(r.Cycles)) {
			return fmt.Errorf("group %d: cycle %d of %d", j+1, g.Diagnosis.Facts.Cycle, len(r.Cycles))
		}
	}
	if r.Total != sum {
		return fmt.Errorf("total %d, but its groups hold %d goroutines", r.Total, sum)
	}
	for k, c := range r.Cycles {
		for _, m := range c.Groups {
			if m < 0 || m >= len(r.Groups) {
				return fmt.Errorf("cycle %d names group %d of %d", k+1, m, len(r.Groups))
			}
		}
	}
	return nil
}

func (g *jsonGroup) check() error {
	switch {
	case g.Count < 1 || g.Count > maxCount:
		return fmt.Errorf("count %d, not between 1 and %d", g.Count, int64(maxCount))
	case len(g.IDs) > g.Count:
		return fmt.Errorf("count %d, but %d goroutine IDs", g.Count, len(g.IDs))
	case g.Leaked < 0 || g.Leaked > g.Count:
		return fmt.Errorf("%d leaked of %d", g.Leaked, g.Count)
	case g.WaitMinutes < 0:
		return fmt.Errorf("waited %d minutes", g.WaitMinutes)
	case g.Block.Line < 0:
		return fmt.Errorf("blocked at line %d", g.Block.Line)
	}
	if s := g.Stack; s != nil && (s.Count < 0 || s.Count > maxCount || s.ElidedFrames < 0 || s.WaitMinutes < 0) {
		return fmt.Errorf("stack with count %d, %d elided frames, %d minutes", s.Count, s.ElidedFrames, s.WaitMinutes)
	}
	return nil
}
