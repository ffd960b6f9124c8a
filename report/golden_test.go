package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/golden"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report/internal/leaky"
)

// TestGoldenText renders reports built from real leaks and compares them
// with testdata/golden/*.txt. Run with -update to accept a change, then
// read the diff: the files are what a person sees when a test leaks.
func TestGoldenText(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		count    int
		start    func() func()
	}{
		{"worker-pool", []string{PatternRangeUnclosed}, 3, func() func() { return leaky.WorkerPool(3, []int{1, 2}) }},
		{"send-after-timeout", []string{PatternSendNoReceiver}, 1, leaky.SendAfterTimeout},
		{"ping-pong", []string{PatternMutualWait}, 1, leaky.PingPong},
		{"mutex-held", []string{PatternMutexHeld}, 1, leaky.MutexHeld},
		{"context-never-cancelled", []string{PatternContextNeverDone}, 1, leaky.WatchBackground},
		{"ticker-and-sleep", []string{PatternTickerLoop, PatternSleepLoop}, 1, func() func() {
			r1, r2 := leaky.TickerLoop(), leaky.SleepLoop()
			return func() { r1(); r2() }
		}},
		{"cond-and-waitgroup", []string{PatternCondNoSignal, PatternWaitGroup}, 1, func() func() {
			r1, r2 := leaky.CondNoBroadcast(), leaky.WaitGroupNoDone()
			return func() { r1(); r2() }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ms []marker
			for _, p := range tt.patterns {
				ms = append(ms, markers(t, p)...)
			}
			release := startLabelled(t, tt.start)
			defer release()
			gs := captureLabelled(t, t.Name(), parkedAtEach(ms, tt.count))
			// Only the leaked goroutines: a worker pool's helpers may
			// still be on their way out.
			var leaked []*profile.Goroutine
			for _, g := range gs {
				for _, m := range ms {
					if atMarker(g, m) {
						leaked = append(leaked, g)
						break
					}
				}
			}
			r := buildReport(t, leaked)
			var buf bytes.Buffer
			if err := r.WriteText(&buf); err != nil {
				t.Fatal(err)
			}
			got := golden.Normalise(buf.String())
			golden.Check(t, filepath.Join("testdata", "golden", tt.name+".txt"), got)
		})
	}
}

func TestWriteTextEmptyAndCapped(t *testing.T) {
	var buf bytes.Buffer
	if err := (&Report{Title: "TestNothing"}).WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "leakhound: TestNothing — no leaked goroutines\n" {
		t.Errorf("empty report: %q", got)
	}
	var leaks []Leak
	for i := range maxTextGroups + 5 {
		leaks = append(leaks, worker(int64(i+1), 100+i, "T"))
	}
	buf.Reset()
	if err := New(leaks, Options{Title: "TestMany", NoSource: true}).WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if n := strings.Count(out, "\n#"); n != maxTextGroups {
		t.Errorf("printed %d groups, want %d", n, maxTextGroups)
	}
	if !strings.Contains(out, "… 5 goroutines more in 5 groups not shown") {
		t.Errorf("no line for the groups left out:\n%s", out[len(out)-200:])
	}
}
