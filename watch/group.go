package watch

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// group is what a watch keeps of one fingerprint: a representative and a
// series per target; of each goroutine, only its ID until the next look.
type group struct {
	// rep is the group as first seen (cloneGroup).
	rep         *report.Group
	first, last time.Time
	inst        []*series // by target index; nil where never seen
}

func newGroup(sg sightGroup, targets int, now time.Time) *group {
	return &group{rep: sg.group, first: now, inst: make([]*series, targets)}
}

// cloneGroup copies what a watch keeps of a group of one dump, sharing no
// memory with the dump: parsed strings point into it, and a look must let
// each dump go as soon as it is summarized.
func cloneGroup(g *report.Group) *report.Group {
	c := &report.Group{Reason: g.Reason, State: strings.Clone(g.State), Count: g.Count, Leaked: g.Leaked, WaitMinutes: g.WaitMinutes}
	c.Stack = cloneGoroutine(g.Stack)
	c.Block = cloneFrame(g.Block)
	c.CreatedBy = cloneFramePtr(g.CreatedBy)
	c.Origin, c.OriginFrom = cloneFramePtr(g.Origin), g.OriginFrom
	c.Diagnosis = report.Diagnosis{PatternID: strings.Clone(g.Diagnosis.PatternID), Summary: strings.Clone(g.Diagnosis.Summary)}
	return c
}

// record adds one look of target i: count goroutines of the group, ids
// their IDs (nil when the dump gave none).
func (g *group) record(i, count, leaked int, ids idList, now time.Time, line *timeline, history int) {
	s := g.inst[i]
	if s == nil {
		if count == 0 {
			return
		}
		s = newSeries(len(line.times), history)
		g.inst[i] = s
	}
	s.b[line.current()].add(count, s.stayed(count, ids))
	s.count, s.leaked = count, leaked
	if leaked > 0 {
		s.proven = true
	}
	if count > 0 {
		g.last = now
	}
}

// restart starts a new epoch of target i's series at bucket cur.
func (g *group) restart(i, cur int) {
	if s := g.inst[i]; s != nil {
		s.restart(cur)
	}
}

func (g *group) total() int {
	n := 0
	for _, s := range g.inst {
		if s != nil {
			n += s.count
		}
	}
	return n
}

func (g *group) verdict(o *Options) Verdict {
	v := Stable
	for _, s := range g.inst {
		if s == nil {
			continue
		}
		if s.proven {
			return Proven
		}
		if _, ok := rise(s.floors(), o.Min, o.Growth); ok {
			v = Growing
		}
	}
	return v
}

// describe names the group in a few words for a line of the live summary.
func (g *group) describe() string {
	var b strings.Builder
	b.WriteString(string(g.rep.Reason))
	b.WriteString(" in ")
	b.WriteString(g.rep.Block.Func)
	if g.rep.Block.File != "" {
		fmt.Fprintf(&b, " (%s:%d)", shortFile(g.rep.Block.File), g.rep.Block.Line)
	}
	return b.String()
}

// shortFile keeps the last two elements of a path, enough to find it.
func shortFile(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i > 0 {
		if j := strings.LastIndexByte(p[:i], '/'); j >= 0 {
			return p[j+1:]
		}
	}
	return p
}

// status is the group as GroupStatus shows it.
func (g *group) status(fp string, o *Options, targets []*target, line *timeline) GroupStatus {
	st := GroupStatus{Fingerprint: fp, Verdict: g.verdict(o), First: g.first, Last: g.last, Group: g.rep}
	st.Trend = make([]int, len(line.times))
	for i, s := range g.inst {
		if s == nil {
			continue
		}
		ic := InstanceCount{Target: targets[i].url, Count: s.count, Proven: s.leaked}
		if s.proven && s.leaked == 0 {
			ic.Proven = -1
		}
		if r, ok := rise(s.floors(), o.Min, o.Growth); ok {
			ic.Rise = &r
		}
		st.Instances = append(st.Instances, ic)
		st.Count += s.count
		st.Proven += max(s.leaked, 0)
		for j, b := range s.b {
			if j < len(st.Trend) && b.n > 0 {
				st.Trend[j] += int(b.last)
			}
		}
	}
	if len(line.times) > 0 {
		st.Span = line.times[len(line.times)-1].Sub(line.times[0])
	}
	return st
}

// GroupStatus is what a watch knows of one group.
type GroupStatus struct {
	// Fingerprint is the group's report.Group Fingerprint as the watch
	// computed it, from the stack alone.
	Fingerprint string `json:"fingerprint"`
	// Verdict is the watch's conclusion.
	Verdict Verdict `json:"verdict"`
	// Count is the group's goroutines at the last look of every target,
	// Proven how many of them the runtime marked leaked.
	Count  int `json:"count"`
	Proven int `json:"proven,omitempty"`
	// First and Last are when the group was first and last seen.
	First time.Time `json:"first_seen"`
	Last  time.Time `json:"last_seen"`
	// Span is the time the Trend covers.
	Span time.Duration `json:"span_ns"`
	// Trend is the count over time across all targets, one value per
	// bucket of the shared timeline, oldest first.
	Trend []int `json:"trend"`
	// Instances are the targets the group was seen on.
	Instances []InstanceCount `json:"instances"`
	// Group is the representative, diagnosed from the stack alone.
	Group *report.Group `json:"-"`
}

// InstanceCount is a group on one target.
type InstanceCount struct {
	// Target is the target's base URL.
	Target string `json:"target"`
	// Count is the group's goroutines at the target's last look.
	Count int `json:"count"`
	// Proven is how many of them were marked leaked; -1 when goroutines of
	// the group were proven leaked at an earlier look but none at the last.
	Proven int `json:"proven,omitempty"`
	// Rise is how the floor rose when the group grows on this target;
	// nil when it does not.
	Rise *Rise `json:"rise,omitempty"`
}

// cloneGoroutine copies a goroutine deep, strings included: parsed
// strings share the memory of the whole dump, which a long watch must
// not keep for one stack.
func cloneGoroutine(g *profile.Goroutine) *profile.Goroutine {
	if g == nil {
		return nil
	}
	c := *g
	c.State = strings.Clone(g.State)
	c.Frames = cloneFrames(g.Frames)
	c.CreatedBy = cloneFramePtr(g.CreatedBy)
	if g.Labels != nil {
		c.Labels = make(map[string]string, len(g.Labels))
		for k, v := range maps.All(g.Labels) {
			c.Labels[strings.Clone(k)] = strings.Clone(v)
		}
	}
	c.Ancestors = make([]profile.Ancestor, len(g.Ancestors))
	for i, a := range g.Ancestors {
		c.Ancestors[i] = profile.Ancestor{ID: a.ID, Frames: cloneFrames(a.Frames), CreatedBy: cloneFramePtr(a.CreatedBy)}
	}
	c.Count = 1
	return &c
}

func cloneFrames(fs []profile.Frame) []profile.Frame {
	out := make([]profile.Frame, len(fs))
	for i, f := range fs {
		out[i] = cloneFrame(f)
	}
	return out
}

func cloneFrame(f profile.Frame) profile.Frame {
	return profile.Frame{Func: strings.Clone(f.Func), File: strings.Clone(f.File), Line: f.Line}
}

func cloneFramePtr(f *profile.Frame) *profile.Frame {
	if f == nil {
		return nil
	}
	c := cloneFrame(*f)
	return &c
}
