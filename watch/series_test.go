package watch

import (
	"testing"
	"time"
)

// TestTimelineHalves follows one series over many looks: the buckets stay
// within the history, each covers as many looks as the stride says, and
// the series still spans the whole watch, minima and last counts kept.
func TestTimelineHalves(t *testing.T) {
	for _, looks := range []int{1, 7, 8, 9, 100, 1000} {
		const history = 8
		var line timeline
		g := &group{inst: make([]*series, 1)}
		groups := map[string]*group{"g": g}
		start := time.Unix(0, 0)
		for i := range looks {
			line.advance(start.Add(time.Duration(i)*time.Second), history, groups)
			g.record(0, i+1, 0, nil, start, &line, history) // counts 1, 2, 3, …
		}
		s := g.inst[0]
		if len(line.times) > history || len(s.b) != len(line.times) {
			t.Fatalf("%d looks: %d buckets, %d times, history %d", looks, len(s.b), len(line.times), history)
		}
		if !line.times[0].Equal(start) {
			t.Errorf("%d looks: the first bucket starts at %v, not at the first look", looks, line.times[0])
		}
		covered := 0
		for i, b := range s.b {
			covered += int(b.n)
			if i < len(s.b)-1 && int(b.n) != line.stride {
				t.Errorf("%d looks: bucket %d covers %d looks, stride %d", looks, i, b.n, line.stride)
			}
			if want := int32(covered); b.last != want || b.min != want-int32(b.n)+1 {
				t.Errorf("%d looks: bucket %d min %d last %d, want %d and %d", looks, i, b.min, b.last, want-int32(b.n)+1, want)
			}
		}
		if covered != looks {
			t.Errorf("%d looks: the buckets cover %d", looks, covered)
		}
		if cap(s.b) > history {
			t.Errorf("%d looks: the series reallocated to %d", looks, cap(s.b))
		}
	}
}
