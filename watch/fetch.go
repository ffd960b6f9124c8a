package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// The endpoints read, under a target's base URL. The leak profile at
// debug=2 runs the runtime's leak detection, then prints every goroutine
// as debug=2 does, the proven ones marked "(leaked)": one fetch gives both.
const (
	leakPath      = "/debug/pprof/goroutineleak?debug=2"
	goroutinePath = "/debug/pprof/goroutine?debug=2"
)

// errNotServed is a 404: the process does not serve that profile.
var errNotServed = errors.New("not served")

// fetch reads one target's dump into buf and groups it. It asks for the
// leak profile first unless the target is known not to serve it. It
// returns the buffer to read the next dump into: nothing of the sight
// points into it.
func (w *Watcher) fetch(ctx context.Context, t *target, buf []byte) (*sight, []byte) {
	ctx, cancel := context.WithTimeout(ctx, w.opts.Timeout)
	defer cancel()
	leak := !t.leakKnown || t.leakServed
	var data []byte
	var err error
	if leak {
		data, err = w.get(ctx, t.url+leakPath, buf)
		if errors.Is(err, errNotServed) {
			leak = false
		}
	}
	if !leak {
		data, err = w.get(ctx, t.url+goroutinePath, buf)
	}
	if err != nil {
		return &sight{err: err}, buf
	}
	snap, err := profile.ParseBytes(data)
	if err != nil {
		return &sight{err: fmt.Errorf("reading the dump of %s: %w", t.url, err)}, data[:0]
	}
	s := summarize(snap, w.known)
	s.leakServed = leak
	return s, data[:0]
}

// get fetches one URL into buf's storage, bounded by the context and by
// MaxDump.
func (w *Watcher) get(ctx context.Context, u string, buf []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("bad URL %s: %w", u, err)
	}
	resp, err := w.opts.Client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("fetching %s: no answer within the timeout: %w", u, ctx.Err())
		}
		return nil, fmt.Errorf("fetching %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return nil, fmt.Errorf("fetching %s: %w", u, errNotServed)
	}
	if resp.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return nil, fmt.Errorf("fetching %s: the server answered %s: %s", u, resp.Status, strings.TrimSpace(string(snippet)))
	}
	data, err := profile.ReadDumpInto(buf, resp.Body, w.opts.MaxDump)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("fetching %s: the timeout ran out while the dump was still coming: %w", u, ctx.Err())
		}
		return nil, fmt.Errorf("fetching %s: %w", u, err)
	}
	return data, nil
}

// summarize groups a snapshot by fingerprint. Running goroutines are left
// out: in a dump they are busy (one of them is serving the dump), not
// stuck. The diagnosis here reads no source: only the fingerprint and a
// representative are kept, and the report is built once at the end. The
// sight shares no memory with the dump, which is garbage once it returns.
// known tells the groups the watcher follows already, whose
// representative it has: a look holds the sights of every target until
// they are all in, and a representative for each of their groups (some
// 2 KB each: 20 MB for 100 targets of 100 groups) would be most of it.
func summarize(snap *profile.Snapshot, known func(fingerprint string) bool) *sight {
	s := &sight{}
	leaks := make([]report.Leak, 0, len(snap.Goroutines))
	for _, g := range snap.Goroutines {
		s.total += g.Weight()
		s.maxID = max(s.maxID, g.ID)
		leaks = append(leaks, report.Leak{Goroutine: g})
	}
	rep := report.New(leaks, report.Options{NoSource: true, Dump: true})
	index := map[string]int{}
	var ids [][]int64 // by group of the sight
	for _, g := range rep.Groups {
		if g.Reason == report.ReasonRunning {
			continue
		}
		fp := g.Fingerprint()
		i, ok := index[fp]
		if !ok {
			i = len(s.groups)
			index[fp] = i
			sg := sightGroup{fingerprint: fp}
			if !known(fp) {
				sg.group = cloneGroup(g)
			}
			s.groups = append(s.groups, sg)
			ids = append(ids, nil)
		}
		s.groups[i].count += g.Count
		s.groups[i].leaked += g.Leaked
		ids[i] = append(ids[i], g.IDs...)
	}
	for i, l := range ids {
		if len(l) != s.groups[i].count {
			continue // an aggregated profile: no goroutine to follow
		}
		// Several report groups may share a fingerprint: their IDs are
		// each ascending, not together.
		slices.Sort(l)
		s.groups[i].ids = encodeIDs(l)
	}
	return s
}
