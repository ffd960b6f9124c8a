package watch

import (
	"testing"
	"time"
)

// look is one look at one target in TestStayingGoroutines: the IDs of the
// group's goroutines, ascending.
type look []int64

// ids returns n goroutine IDs from first on, ascending.
func ids(first int64, n int) look {
	out := make(look, n)
	for i := range out {
		out[i] = first + int64(i)
	}
	return out
}

// join returns the looks' IDs together, ascending when each is and they
// do not overlap in order.
func join(ls ...look) look {
	var out look
	for _, l := range ls {
		out = append(out, l...)
	}
	return out
}

// TestStayingGoroutines follows a group over looks given as the IDs of
// its goroutines: only goroutines present at the look before count
// toward growth, so bursts that drain between looks never make a group
// Growing, however often a look catches one in flight, while goroutines
// that stay do, with or without bursts on top.
func TestStayingGoroutines(t *testing.T) {
	opts := Options{}
	opts.fill()
	// bursts returns 12 looks of which those marked catch a burst of 20
	// goroutines in flight, each burst new goroutines; the last four in a
	// row do, which the counts alone read as a rise.
	bursts := func(base func(i int) look) []look {
		caught := []bool{false, true, false, false, true, false, true, false, true, true, true, true}
		out := make([]look, len(caught))
		for i, c := range caught {
			l := base(i)
			if c {
				l = join(l, ids(int64(10_000+100*i), 20))
			}
			out[i] = l
		}
		return out
	}
	none := func(int) look { return nil }
	leak := func(i int) look { return ids(1, 3*i+1) } // the first 3i+1 stay
	pool := func(int) look { return ids(1, 10) }
	tests := []struct {
		name  string
		looks []look
		want  Verdict
	}{
		{"bursts that drain, caught at the last four looks", bursts(none), Stable},
		{"a steady pool under the same bursts", bursts(pool), Stable},
		{"a leak", func() []look {
			out := make([]look, 12)
			for i := range out {
				out[i] = leak(i)
			}
			return out
		}(), Growing},
		{"a leak under the bursts", bursts(leak), Growing},
		{"every look new goroutines, more each time", func() []look {
			out := make([]look, 12)
			for i := range out {
				out[i] = ids(int64(1000*(i+1)), 5*i)
			}
			return out
		}(), Stable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var line timeline
			g := &group{inst: make([]*series, 1)}
			groups := map[string]*group{"g": g}
			start := time.Unix(0, 0)
			for i, l := range tt.looks {
				now := start.Add(time.Duration(i) * time.Second)
				line.advance(now, opts.History, groups)
				g.record(0, len(l), 0, encodeIDs(l), now, &line, opts.History)
			}
			if got := g.verdict(&opts); got != tt.want {
				t.Errorf("verdict %v, want %v (floors %v)", got, tt.want, g.inst[0].floors())
			}
		})
	}

	// The counts alone, without IDs, read the bursts caught at the last
	// four looks as a rise: what the IDs are for.
	var counts []int
	for _, l := range bursts(none) {
		counts = append(counts, len(l))
	}
	if _, ok := rise(counts, opts.Min, opts.Growth); !ok {
		t.Errorf("rise(%v) is not growing: the case above no longer tests the IDs", counts)
	}
}

// TestStayingAfterRestart: a restarted process numbers its goroutines from
// the start again, so its first look is not compared with the old
// process's IDs, and counts whole.
func TestStayingAfterRestart(t *testing.T) {
	s := newSeries(1, 8)
	if got := s.stayed(5, encodeIDs(ids(1, 5))); got != 5 {
		t.Errorf("the first look: %d stayed, want all 5", got)
	}
	if got := s.stayed(5, encodeIDs(ids(3, 5))); got != 3 {
		t.Errorf("IDs 3–7 after 1–5: %d stayed, want 3", got)
	}
	s.restart(0)
	if got := s.stayed(2, encodeIDs(ids(1, 2))); got != 2 {
		t.Errorf("the first look after a restart: %d stayed, want both", got)
	}
	if got := s.stayed(4, nil); got != 4 {
		t.Errorf("a dump without IDs: %d stayed, want the count, 4", got)
	}
}
