package profile

import (
	"context"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/stacks"
)

// Helpers for tests that look at goroutines of the test process itself.

// liveGroup is a set of goroutines parked on one channel receive, started by
// startLiveGroup and released by the test's cleanup.
type liveGroup struct {
	// At is the receive they are parked on.
	At Frame
	// IDs are their goroutine IDs.
	IDs []int64
}

// startLiveGroup starts n goroutines, with the given pprof labels (none if
// nil), that block on a channel receive until the test ends, and waits until
// all of them are parked there.
func startLiveGroup(t testing.TB, n int, labels map[string]string) *liveGroup {
	t.Helper()
	release := make(chan struct{})
	where := make(chan liveStart, n)
	var done sync.WaitGroup
	done.Add(n)
	start := func(context.Context) {
		for range n {
			go func() {
				defer done.Done()
				liveParked(release, where)
			}()
		}
	}
	if labels == nil {
		start(context.Background())
	} else {
		var kv []string
		for k, v := range labels {
			kv = append(kv, k, v)
		}
		pprof.Do(context.Background(), pprof.Labels(kv...), start)
	}
	t.Cleanup(func() {
		close(release)
		done.Wait()
	})
	g := &liveGroup{}
	for range n {
		s := <-where
		g.At = s.at
		g.IDs = append(g.IDs, s.id)
	}
	waitParked(t, g.IDs)
	return g
}

// liveStart is what a goroutine of a liveGroup reports when it starts.
type liveStart struct {
	at Frame
	id int64
}

// liveParked blocks on release; the receive's position is reported on where.
func liveParked(release <-chan struct{}, where chan<- liveStart) {
	<-reportPosition(release, where)
}

// reportPosition sends its caller's function, file and line, then returns
// release for the caller to receive from on that same line.
func reportPosition(release <-chan struct{}, where chan<- liveStart) <-chan struct{} {
	pc, file, line, _ := runtime.Caller(1)
	where <- liveStart{at: Frame{Func: runtime.FuncForPC(pc).Name(), File: file, Line: line}, id: CurrentID()}
	return release
}

// waitParked waits until every goroutine in ids shows as blocked on a channel
// receive in a traceback. A goroutine reports its position just before it
// parks, so there is a short window where it still runs.
func waitParked(t testing.TB, ids []int64) {
	t.Helper()
	want := make(map[int64]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		buf := stacks.All()
		parked := countParked(buf, want)
		if parked == len(want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d test goroutines parked on their channel within 30s", parked, len(want))
		}
		time.Sleep(time.Millisecond)
	}
}

// countParked counts the goroutines of want whose traceback header in text
// says they wait on a channel receive. It reads headers itself so that tests
// of other readers do not depend on the stack parser.
func countParked(text []byte, want map[int64]bool) int {
	n := 0
	for _, line := range strings.Split(string(text), "\n") {
		rest, ok := strings.CutPrefix(line, "goroutine ")
		if !ok {
			continue
		}
		idText, state, ok := strings.Cut(rest, " [")
		if !ok {
			continue
		}
		id, err := strconv.ParseInt(idText, 10, 64)
		if err == nil && want[id] && strings.HasPrefix(state, "chan receive") {
			n++
		}
	}
	return n
}

// findRecords returns the records of s whose frames include at.
func findRecords(s *Snapshot, at Frame) []*Goroutine {
	var out []*Goroutine
	for _, g := range s.Goroutines {
		for _, f := range g.Frames {
			if f == at {
				out = append(out, g)
				break
			}
		}
	}
	return out
}
