package watch

import "time"

// timeline is the time axis every series shares: bucket i of any series
// covers the looks from times[i] on. When the buckets reach the history
// size, neighbours merge and each bucket covers twice the looks, so a
// watch of any length keeps a fixed number of buckets.
type timeline struct {
	times  []time.Time
	stride int // looks per bucket
	fill   int // looks in the last bucket so far
}

// current is the index of the bucket the present look goes to.
func (l *timeline) current() int { return len(l.times) - 1 }

// advance opens the bucket of a new look when the last one is full,
// merging neighbours first when there is no room for it.
func (l *timeline) advance(now time.Time, history int, groups map[string]*group) {
	history += history % 2 // an even size halves into full buckets
	if l.stride == 0 {
		l.stride = 1
	}
	if len(l.times) > 0 && l.fill < l.stride {
		l.fill++
		return
	}
	if len(l.times) >= history {
		half := make([]time.Time, len(l.times)/2, history)
		for i := range half {
			half[i] = l.times[2*i]
		}
		l.times = half
		l.stride *= 2
		for _, g := range groups {
			for _, s := range g.inst {
				if s != nil {
					s.halve()
				}
			}
		}
	}
	l.times = append(l.times, now)
	for _, g := range groups {
		for _, s := range g.inst {
			if s != nil {
				s.b = append(s.b, bucket{})
			}
		}
	}
	l.fill = 1
}

// bucket is one stretch of a series: the smallest number, over the looks
// it covers, of goroutines that stayed from the look before (what the fit
// reads), and the last count (what the sparkline draws). n == 0 means no
// look of the target landed in it (the target was failing, or the group
// not yet seen there). It takes 12 bytes: a watch holds one per bucket,
// group and target.
type bucket struct {
	min, last int32
	n         uint32
}

func (b *bucket) add(count, stayed int) {
	c := int32(min(stayed, 1<<31-1))
	if b.n == 0 || c < b.min {
		b.min = c
	}
	b.last = int32(min(count, 1<<31-1))
	b.n++
}

func mergeBuckets(a, b bucket) bucket {
	switch {
	case a.n == 0:
		return b
	case b.n == 0:
		return a
	}
	return bucket{min: min(a.min, b.min), last: b.last, n: a.n + b.n}
}

// series is one group's counts on one target.
type series struct {
	b []bucket
	// epoch is the first bucket since the target's last restart: the fit
	// compares nothing before it with anything after.
	epoch int
	// count and leaked are the last look's; proven is set once any look
	// found a goroutine of the group marked leaked.
	count, leaked int
	proven        bool
	// ids are the IDs of the last look's goroutines, ascending; looked
	// says there was a last look in this epoch.
	ids    idList
	looked bool
}

// stayed returns how many of a look's goroutines (count of them, IDs ids)
// were there at the look before, and keeps ids for the next. Goroutines
// that requests start and end between looks never stay, however the
// looks fall, while leaked ones always do: a series of bursts that
// happens to be caught at several looks in a row is not a rise. The
// first look of an epoch has nothing to compare with and counts whole, as
// does a dump without IDs.
func (s *series) stayed(count int, ids idList) int {
	prev, looked := s.ids, s.looked
	s.ids, s.looked = ids, true
	if !looked || (count > 0 && ids == nil) {
		return count
	}
	return common(prev, ids)
}

// newSeries returns a series of buckets empty buckets with room for the
// whole history, so appending never reallocates it.
func newSeries(buckets, history int) *series {
	return &series{b: make([]bucket, buckets, max(buckets, history+history%2))}
}

func (s *series) halve() {
	for i := 0; i < len(s.b)/2; i++ {
		s.b[i] = mergeBuckets(s.b[2*i], s.b[2*i+1])
	}
	s.b = s.b[:len(s.b)/2]
	// Round up: the bucket holding the restart mixes both epochs.
	s.epoch = (s.epoch + 1) / 2
}

// restart starts a new epoch at bucket cur, dropping what the bucket
// already held from before the restart.
func (s *series) restart(cur int) {
	s.epoch = cur
	s.b[cur] = bucket{}
	s.count, s.leaked = 0, 0
	// The new process numbers its goroutines from the start again.
	s.ids, s.looked = nil, false
}

// floors returns the bucket minima of the epoch, skipping buckets
// without a look.
func (s *series) floors() []int {
	out := make([]int, 0, len(s.b)-s.epoch)
	for _, b := range s.b[s.epoch:] {
		if b.n > 0 {
			out = append(out, int(b.min))
		}
	}
	return out
}
