package watch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// Options tune a Watcher. The zero value of each field means its default.
type Options struct {
	// Timeout bounds one fetch of one target, connecting and reading the
	// whole dump (default 10 s).
	Timeout time.Duration
	// Concurrency is how many targets are fetched at once (default 2).
	// Each fetch in flight holds its dump and the dump parsed, about
	// twice and a quarter its size (a 17,500-goroutine dump: 9.3 MB,
	// parsed into 11.5 MB), and keeps a read buffer the size of the
	// largest dump for the next fetch; parsing is CPU-bound. Raise it for
	// targets far away, where fetches mostly wait.
	Concurrency int
	// MaxDump bounds the size of one dump in bytes (default
	// profile.MaxDumpSize).
	MaxDump int64
	// Min is how many goroutines a group's floor must reach on a target
	// before the group can be Growing (default 5).
	Min int
	// Growth is how far, as a fraction of where it started, the floor
	// must rise over the watch for the group to be Growing (default 0.1:
	// by a tenth; the rise is always at least one goroutine).
	Growth float64
	// History is how many buckets of counts each series keeps (default
	// 120). When the watch outgrows it, neighbouring buckets merge, so a
	// series always spans the whole watch.
	History int
	// MaxGroups bounds the number of groups followed (default 1,000);
	// groups first seen beyond it are counted in Dropped, not followed.
	// A group takes about 12 bytes × History on each target it is seen
	// on (1.4 KB with the default History), and a byte or two per
	// goroutine of it in the target's last dump, whose IDs tell the
	// goroutines that stay from those that come and go.
	MaxGroups int
	// Client fetches the dumps; nil means a client that opens a new
	// connection for every fetch, which restart detection relies on (see
	// the package documentation).
	Client *http.Client
	// Now is the clock, for tests; nil means time.Now.
	Now func() time.Time
}

func (o *Options) fill() {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 2
	}
	if o.MaxDump <= 0 {
		o.MaxDump = profile.MaxDumpSize
	}
	if o.Min <= 0 {
		o.Min = 5
	}
	if o.Growth <= 0 {
		o.Growth = 0.1
	}
	if o.History < 8 {
		o.History = 120
	}
	if o.MaxGroups <= 0 {
		o.MaxGroups = 1000
	}
	if o.Client == nil {
		o.Client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: http.ProxyFromEnvironment}}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Watcher follows the goroutine groups of a set of targets. Its methods
// may be called from several goroutines; Look calls are serialised.
type Watcher struct {
	opts    Options
	targets []*target

	look sync.Mutex // one Look at a time
	// bufs holds a read buffer per fetch that may run at once; taking
	// one is the right to fetch. A dump's buffer is reused for the
	// next, so a watch does not allocate a dump's size per fetch.
	bufs chan []byte
	mu   sync.Mutex // guards what follows
	line timeline
	// groups by fingerprint, and their fingerprints in the order first seen.
	groups  map[string]*group
	order   []string
	looks   int
	dropped int
}

// New returns a Watcher of the targets: base URLs of processes serving
// net/http/pprof ("http://127.0.0.1:6060"; a URL ending in /debug/pprof
// is accepted too). Only http and https URLs are accepted.
func New(targets []string, opts Options) (*Watcher, error) {
	if len(targets) == 0 {
		return nil, errors.New("no target to watch: give the base URL of a process serving net/http/pprof")
	}
	opts.fill()
	w := &Watcher{opts: opts, groups: map[string]*group{}, bufs: make(chan []byte, opts.Concurrency)}
	for range opts.Concurrency {
		w.bufs <- nil
	}
	seen := map[string]bool{}
	for _, t := range targets {
		base, err := BaseURL(t)
		if err != nil {
			return nil, err
		}
		if seen[base] {
			continue
		}
		seen[base] = true
		w.targets = append(w.targets, &target{url: base})
	}
	return w, nil
}

// BaseURL checks a target and returns it without a trailing /debug/pprof
// and slash: the form the Watcher names targets by.
func BaseURL(t string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(t))
	if err != nil {
		return "", fmt.Errorf("target %q is not a URL: %w", t, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("target %q: only http:// and https:// targets are watched", t)
	}
	if u.Host == "" {
		return "", fmt.Errorf("target %q has no host", t)
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/debug/pprof")
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// Targets returns the targets' base URLs, in the order given.
func (w *Watcher) Targets() []string {
	out := make([]string, len(w.targets))
	for i, t := range w.targets {
		out[i] = t.url
	}
	return out
}

// Look fetches every target once (those backing off after errors
// excepted), updates the groups and returns what changed: targets that
// failed, came back or restarted, groups that appeared or changed verdict.
func (w *Watcher) Look(ctx context.Context) []Event {
	w.look.Lock()
	defer w.look.Unlock()

	w.mu.Lock()
	look := w.looks
	w.mu.Unlock()

	var wg sync.WaitGroup
	results := make([]*sight, len(w.targets))
	for i, t := range w.targets {
		if look < t.retryAt {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			select {
			case buf = <-w.bufs:
			case <-ctx.Done():
				results[i] = &sight{err: ctx.Err()}
				return
			}
			results[i], buf = w.fetch(ctx, t, buf)
			w.bufs <- buf
		}()
	}
	wg.Wait()

	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.opts.Now()
	w.line.advance(now, w.opts.History, w.groups)
	var events []Event
	before := w.verdicts()
	for i, t := range w.targets {
		events = append(events, w.apply(i, t, results[i], look, now)...)
	}
	for _, fp := range w.order {
		g := w.groups[fp]
		v := g.verdict(&w.opts)
		if old, ok := before[fp]; !ok {
			// A stable group appearing is no change worth a line: an
			// idle connection, a request in flight.
			if v != Stable {
				events = append(events, Event{Time: now, Kind: GroupSeen, Fingerprint: fp, Group: g.describe(), Count: g.total(), Verdict: v})
			}
		} else if old != v {
			events = append(events, Event{Time: now, Kind: VerdictChanged, Fingerprint: fp, Group: g.describe(), Count: g.total(), Verdict: v, Was: old})
		}
	}
	w.looks++
	return events
}

// known reports whether the group of the fingerprint is followed. Groups
// are never dropped once followed, so a group known while a look fetches
// is still there when the look records it.
func (w *Watcher) known(fingerprint string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ok := w.groups[fingerprint]
	return ok
}

// verdicts returns every group's current verdict.
func (w *Watcher) verdicts() map[string]Verdict {
	m := make(map[string]Verdict, len(w.groups))
	for fp, g := range w.groups {
		m[fp] = g.verdict(&w.opts)
	}
	return m
}

// apply records one target's sight in the groups.
func (w *Watcher) apply(i int, t *target, s *sight, look int, now time.Time) []Event {
	if s == nil {
		return nil // backing off
	}
	var events []Event
	if s.err != nil {
		t.failures++
		t.retryAt = look + min(1<<min(t.failures-1, 5), 32)
		if t.failures == 1 {
			events = append(events, Event{Time: now, Kind: TargetFailed, Target: t.url, Err: s.err})
		}
		t.lastErr = s.err
		return events
	}
	wasDown := t.failures > 0
	if wasDown {
		events = append(events, Event{Time: now, Kind: TargetBack, Target: t.url})
	}
	t.failures, t.retryAt, t.lastErr = 0, 0, nil
	t.looks++
	t.goroutines = s.total
	t.leakKnown, t.leakServed = true, s.leakServed
	if restarted(t.maxID, s.maxID, wasDown) {
		t.restarts++
		for _, g := range w.groups {
			g.restart(i, w.line.current())
		}
		events = append(events, Event{Time: now, Kind: TargetRestarted, Target: t.url})
		// The new process may run another Go: ask again at the next look
		// whether it serves the leak profile.
		t.leakKnown = false
	}
	if s.maxID > 0 {
		t.maxID = s.maxID
	}
	seen := make(map[string]bool, len(s.groups))
	for _, sg := range s.groups {
		g := w.groups[sg.fingerprint]
		if g == nil {
			if len(w.groups) >= w.opts.MaxGroups {
				w.dropped++
				continue
			}
			g = newGroup(sg, len(w.targets), now)
			w.groups[sg.fingerprint] = g
			w.order = append(w.order, sg.fingerprint)
		}
		seen[sg.fingerprint] = true
		g.record(i, sg.count, sg.leaked, sg.ids, now, &w.line, w.opts.History)
	}
	for fp, g := range w.groups {
		if !seen[fp] {
			g.record(i, 0, 0, nil, now, &w.line, w.opts.History)
		}
	}
	return events
}

// restarted tells a new process from the highest goroutine ID of the
// last dump (was) and of this one (now). IDs only grow in a process, but
// not strictly: each P takes them from the shared counter in batches of
// 16, so a goroutine started on a P holding an old batch can get a lower
// ID than one started earlier elsewhere. A fall of the highest ID is
// therefore taken for a restart when the target failed to answer in
// between (it went away and came back), or when it fell by more than
// half and by more than any batches left on the Ps could explain.
func restarted(was, now int64, wasDown bool) bool {
	if was <= 0 || now <= 0 || now >= was {
		return false
	}
	return wasDown || (now < was/2 && was-now > restartFall)
}

// restartFall is a fall of the highest goroutine ID too large to come
// from the batches the Ps hold: 16 IDs for each of 256 Ps.
const restartFall = 16 * 256

// Looks returns how many looks were taken.
func (w *Watcher) Looks() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.looks
}

// Groups returns every group followed, flagged ones first (Proven, then
// Growing), then by count, largest first.
func (w *Watcher) Groups() []GroupStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]GroupStatus, 0, len(w.order))
	for _, fp := range w.order {
		out = append(out, w.groups[fp].status(fp, &w.opts, w.targets, &w.line))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Verdict != out[j].Verdict {
			return out[i].Verdict > out[j].Verdict
		}
		return out[i].Count > out[j].Count
	})
	return out
}

// TargetStatuses returns what is known of each target, in the order given.
func (w *Watcher) TargetStatuses() []TargetStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]TargetStatus, len(w.targets))
	for i, t := range w.targets {
		out[i] = TargetStatus{URL: t.url, Looks: t.looks, Goroutines: t.goroutines, LeakProfile: t.leakServed, Restarts: t.restarts}
		if t.lastErr != nil {
			out[i].Err = t.lastErr.Error()
		}
	}
	return out
}

// Dropped returns how many groups were not followed because MaxGroups
// were followed already.
func (w *Watcher) Dropped() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dropped
}

// target is one watched process.
type target struct {
	url string
	// leakServed reports that the process serves the goroutineleak
	// profile; leakKnown that it was asked.
	leakServed, leakKnown bool
	// maxID is the highest goroutine ID of the last dump.
	maxID int64
	// failures counts the fetches that failed in a row; retryAt is the
	// look from which to try again.
	failures, retryAt int
	lastErr           error
	looks, restarts   int
	goroutines        int
}

// TargetStatus is what a Watcher knows of one target.
type TargetStatus struct {
	// URL is the target's base URL.
	URL string `json:"url"`
	// Looks counts the dumps read from it.
	Looks int `json:"looks"`
	// Goroutines is how many goroutines its last dump held.
	Goroutines int `json:"goroutines"`
	// LeakProfile reports that it serves the runtime's goroutineleak
	// profile, so its groups can be Proven; without it, only growth
	// flags a group.
	LeakProfile bool `json:"leak_profile"`
	// Restarts counts the restarts seen.
	Restarts int `json:"restarts,omitempty"`
	// Err is the last fetch's error while the target fails, "" otherwise.
	Err string `json:"error,omitempty"`
}

// sight is what one fetch of one target saw.
type sight struct {
	err        error
	leakServed bool
	maxID      int64
	total      int
	groups     []sightGroup
}

// sightGroup is one fingerprint's goroutines in one dump, group its
// first report group, cloned (nil when the watcher followed the group
// already); ids are the goroutines' IDs (nil when the dump gave none).
type sightGroup struct {
	fingerprint string
	count       int
	leaked      int
	ids         idList
	group       *report.Group
}
