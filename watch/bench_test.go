package watch_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leakhound/leakhound/watch"
)

// simStates are the wait states of the simulated goroutines, one per
// group in turn.
var simStates = []string{"chan receive", "select", "sync.Mutex.Lock", "IO wait", "chan send", "sync.WaitGroup.Wait"}

// simDump is a debug=2 dump of n goroutines spread over groups groups,
// five frames deep as a service's are; variant renames the groups, so
// dumps of different variants share some groups and not others.
func simDump(n, groups, variant int) []byte {
	var b bytes.Buffer
	simWrite(&b, n, groups, variant)
	return b.Bytes()
}

// simWrite writes simDump's dump to w as it makes it, holding none of it.
func simWrite(w io.Writer, n, groups, variant int) {
	b := bufio.NewWriter(w)
	for i := range n {
		g := i%groups + variant
		fmt.Fprintf(b, "goroutine %d [%s, %d minutes]:\n", 1000+i, simStates[g%len(simStates)], i%30)
		fmt.Fprintf(b, "example.com/svc/handlers.worker%d(0xc000123456, 0x1)\n\t/build/svc/handlers/worker%d.go:%d +0x2a\n", g, g, 100+g%50)
		b.WriteString("example.com/svc/handlers.(*Pool).run(0xc0001a2000)\n\t/build/svc/handlers/pool.go:88 +0x9c\n")
		b.WriteString("example.com/svc/handlers.serve(...)\n\t/build/svc/handlers/serve.go:31\n")
		b.WriteString("net/http.HandlerFunc.ServeHTTP(0xc000010000, {0x7f0a2c, 0xc0002b4000}, 0xc0002b8000)\n\t/usr/local/go/src/net/http/server.go:2294 +0x29\n")
		fmt.Fprintf(b, "created by example.com/svc/handlers.Start%d in goroutine 1\n\t/build/svc/handlers/start.go:%d +0x1d4\n\n", g, 40+g%7)
	}
	b.Flush()
}

// simTargets starts n loopback servers writing dump(w, target, look) as
// their goroutine dump, and no leak profile.
func simTargets(tb testing.TB, n int, dump func(w io.Writer, target int, look int64)) []string {
	urls := make([]string, n)
	for i := range n {
		var looks atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/debug/pprof/goroutine" {
				http.NotFound(w, r)
				return
			}
			dump(w, i, looks.Add(1))
		}))
		tb.Cleanup(srv.Close)
		urls[i] = srv.URL
	}
	return urls
}

// BenchmarkLook100x10k is one look of a fleet: 100 targets on loopback,
// each serving a 10,000-goroutine dump in 50 groups.
func BenchmarkLook100x10k(b *testing.B) {
	dump := simDump(10_000, 50, 0)
	b.SetBytes(int64(len(dump)) * 100)
	urls := simTargets(b, 100, func(w io.Writer, _ int, _ int64) { w.Write(dump) })
	w, err := watch.New(urls, watch.Options{})
	if err != nil {
		b.Fatal(err)
	}
	w.Look(context.Background()) // learn that no target serves the leak profile
	cpu0, _ := usage()
	n := 0
	for b.Loop() {
		n++
		for _, e := range w.Look(context.Background()) {
			if e.Kind == watch.TargetFailed {
				b.Fatal(e)
			}
		}
	}
	b.StopTimer()
	// CPU time (the watcher's and the simulated targets' together, all in
	// this process) says what a look costs on a loaded machine too.
	cpu1, rss := usage()
	b.ReportMetric((cpu1-cpu0).Seconds()/float64(n), "cpu-s/op")
	b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MB")
	if got := len(w.Groups()); got != 50 {
		b.Fatalf("%d groups, want 50", got)
	}
}

// TestSoak watches a simulated fleet for many looks and checks that the
// watcher's memory stays flat and under 200 MB: 100 targets whose dumps
// rotate through variants, so groups come and go, and whose counts change
// every look. The fleet is another process (startFleet), so this
// process's resident set is the watcher's own. It is long, so it runs
// only when LEAKHOUND_WATCH_SOAK sets the number of looks (1000 for the
// figure in BENCHMARKS.md); LEAKHOUND_WATCH_SOAK_N sets the goroutines
// per dump (default 1,000), and LEAKHOUND_WATCH_SOAK_CONCURRENCY
// Options.Concurrency.
func TestSoak(t *testing.T) {
	looks, _ := strconv.Atoi(os.Getenv("LEAKHOUND_WATCH_SOAK"))
	if looks <= 0 {
		t.Skip("set LEAKHOUND_WATCH_SOAK=1000 to run")
	}
	perDump := 1000
	if n, _ := strconv.Atoi(os.Getenv("LEAKHOUND_WATCH_SOAK_N")); n > 0 {
		perDump = n
	}
	conc, _ := strconv.Atoi(os.Getenv("LEAKHOUND_WATCH_SOAK_CONCURRENCY")) // 0: the default
	urls := startFleet(t, 100, perDump)
	w, err := watch.New(urls, watch.Options{Concurrency: conc})
	if err != nil {
		t.Fatal(err)
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	const mb = 1 << 20
	start := time.Now()
	var at100, peak uint64
	for i := 1; i <= looks; i++ {
		for _, e := range w.Look(context.Background()) {
			if e.Kind == watch.TargetFailed {
				t.Fatalf("look %d: %v", i, e)
			}
		}
		if i%10 == 0 && i%100 != 0 {
			t.Logf("look %d: %s, RSS %.1f MB", i, time.Since(start).Round(time.Second), float64(resident())/mb)
		}
		if i%100 == 0 {
			h := heap()
			peak = max(peak, h)
			if i == 100 {
				at100 = h
			}
			_, hwm := usage()
			t.Logf("look %d: %s, heap %.1f MB after GC, RSS %.1f MB (peak %.1f MB), %d groups",
				i, time.Since(start).Round(time.Second), float64(h)/mb, float64(resident())/mb, float64(hwm)/mb, len(w.Groups()))
		}
	}
	end := heap()
	runtime.KeepAlive(w) // what is measured is the watcher's state
	_, hwm := usage()
	t.Logf("%d looks in %s; heap after GC: %.1f MB at look 100, %.1f MB at the end, %.1f MB at most; the watcher's peak RSS %.1f MB",
		looks, time.Since(start).Round(time.Second), float64(at100)/mb, float64(end)/mb, float64(peak)/mb, float64(hwm)/mb)
	if peak > 200*mb || hwm > 200*mb {
		t.Errorf("the heap reached %.1f MB, the RSS %.1f MB: over 200 MB", float64(peak)/mb, float64(hwm)/mb)
	}
	if at100 > 0 && end > at100+at100/2+8*mb {
		t.Errorf("the heap grew from %.1f MB at look 100 to %.1f MB: not flat", float64(at100)/mb, float64(end)/mb)
	}
}
