package main

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// filterStats counts what the filters removed, so the report can say what
// it does not show instead of silently shrinking.
type filterStats struct {
	total    int // goroutines in the dump
	stdlib   int // hidden as runtime/standard-library only
	frames   int // dropped by -match or -exclude
	reason   int // dropped by -reason
	small    int // dropped by -min
	shownNum int // left in the report
}

// keepGoroutine applies the per-goroutine filters: the runtime/stdlib rule
// and -match/-exclude. It runs before grouping so that a pattern about one
// goroutine's frames never drops or keeps a whole group by accident.
func (f *reportFlags) keepGoroutine(g *profile.Goroutine, st *filterStats) bool {
	n := count(g)
	if !f.all && stdlibOnly(g) {
		st.stdlib += n
		return false
	}
	if f.match != nil && !anyFrame(g, f.match) {
		st.frames += n
		return false
	}
	if f.exclude != nil && anyFrame(g, f.exclude) {
		st.frames += n
		return false
	}
	return true
}

// anyFrame reports whether re matches the function or the file:line of one
// of g's frames or of the go statement that created it.
func anyFrame(g *profile.Goroutine, re *regexp.Regexp) bool {
	// Only a pattern with a colon can need the line number; building
	// "file:line" for every frame of a big dump otherwise costs for nothing.
	withLine := strings.Contains(re.String(), ":")
	hit := func(f profile.Frame) bool {
		if re.MatchString(f.Func) || re.MatchString(f.File) {
			return true
		}
		return withLine && f.File != "" && re.MatchString(f.File+":"+strconv.Itoa(f.Line))
	}
	for _, f := range g.Frames {
		if hit(f) {
			return true
		}
	}
	return g.CreatedBy != nil && hit(*g.CreatedBy)
}

// count is how many goroutines a record stands for; parsers that leave
// Count at zero mean one.
func count(g *profile.Goroutine) int {
	if g.Count < 1 {
		return 1
	}
	return g.Count
}

// filterGroups applies the per-group filters (-reason, -min) to a built
// report and orders what is left: goroutines of the tests that were running
// first (for a timed-out test), then by -sort.
func (f *reportFlags) filterGroups(r *report.Report, st *filterStats) {
	r.Filter(func(g *report.Group) bool {
		switch {
		case len(f.reasons) > 0 && !f.reasons[g.Reason]:
			st.reason += g.Count
		case g.Count < f.min:
			st.small += g.Count
		default:
			return true
		}
		return false
	})
	st.shownNum = r.Total
	kept := r.Groups

	less := func(a, b *report.Group) bool { return a.Count > b.Count }
	if f.sortBy == sortMinutes {
		less = func(a, b *report.Group) bool {
			if a.WaitMinutes != b.WaitMinutes {
				return a.WaitMinutes > b.WaitMinutes
			}
			return a.Count > b.Count
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		a, b := kept[i], kept[j]
		if ta, tb := len(a.Tests) > 0, len(b.Tests) > 0; ta != tb {
			return ta
		}
		return less(a, b)
	})
}

// notes describes what the filters left out, one line each; none when
// nothing was.
func (st *filterStats) notes() []string {
	var out []string
	if st.stdlib > 0 {
		out = append(out, fmt.Sprintf("%s running only runtime or standard library code hidden; -all shows them", words.Plural(st.stdlib, "goroutine")))
	}
	if st.frames > 0 {
		out = append(out, words.Plural(st.frames, "goroutine")+" left out by -match/-exclude")
	}
	if st.reason > 0 {
		out = append(out, words.Plural(st.reason, "goroutine")+" left out by -reason")
	}
	if st.small > 0 {
		out = append(out, words.Plural(st.small, "goroutine")+" in groups smaller than -min")
	}
	if len(out) > 0 {
		out = append(out, fmt.Sprintf("%d of %s shown", st.shownNum, words.Plural(st.total, "goroutine")))
	}
	return out
}
