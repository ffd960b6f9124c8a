package watch_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/watch"
)

// lookAll returns a look function that records every event.
func lookAll(w *watch.Watcher, events *[]watch.Event) func(context.Context) error {
	return func(ctx context.Context) error {
		*events = append(*events, w.Look(ctx)...)
		return nil
	}
}

// TestVerdicts watches real services on loopback, driven between looks
// by requests whose effect is known when they return, and checks the
// verdict of the group each one's /work creates or holds.
func TestVerdicts(t *testing.T) {
	tests := []struct {
		name, toolchain, mode string
		// before runs before look i.
		before func(t *testing.T, s *service, i int)
		// want is the verdict of the group blocked in want.fn; stable
		// groups are not reported, so want Stable means no such group in
		// the result's report.
		fn          string
		want        watch.Verdict
		leakProfile bool
	}{
		{"leak, Go 1.26: growing", goWithout, "leak", func(t *testing.T, s *service, i int) {
			for range 3 {
				s.get(t, "/work")
			}
		}, "main.leakOne.func1", watch.Growing, false},
		{"leak, Go 1.27: proven", goWith, "leak", func(t *testing.T, s *service, i int) {
			for range 3 {
				s.get(t, "/work")
			}
		}, "main.leakOne.func1", watch.Proven, true},
		{"steady", goWithout, "steady", func(t *testing.T, s *service, i int) { s.get(t, "/work") }, "main.main.func3", watch.Stable, false},
		{"bursts that drain", goWithout, "bursts", func(t *testing.T, s *service, i int) {
			// Even looks see bursts running, odd looks none: a spike
			// every other look, then a drained look.
			if i%2 == 0 {
				for range 1 + i/2 {
					s.get(t, "/work")
				}
			} else {
				s.get(t, "/drain")
			}
		}, "main.burst.func2", watch.Stable, false},
		{"bursts that drain, Go 1.27", goWith, "bursts", func(t *testing.T, s *service, i int) {
			if i%2 == 0 {
				for range 1 + i/2 {
					s.get(t, "/work")
				}
			} else {
				s.get(t, "/drain")
			}
		}, "main.burst.func2", watch.Stable, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := startService(t, tt.toolchain, tt.mode, "127.0.0.1:0")
			w, err := watch.New([]string{s.URL}, watch.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var events []watch.Event
			drive(t, lookAll(w, &events), 16, func(i int) { tt.before(t, s, i) })

			res := w.Report(watch.ReportOptions{All: true})
			if got := res.Targets[0].LeakProfile; got != tt.leakProfile {
				t.Errorf("LeakProfile = %v, want %v", got, tt.leakProfile)
			}
			var got []string
			found := false
			for i, st := range res.Groups {
				g := res.Report.Groups[i]
				got = append(got, st.Verdict.String()+" "+g.Block.Func)
				if st.Verdict != watch.Stable && (tt.want == watch.Stable || g.Block.Func != tt.fn) {
					t.Errorf("group in %s is %s; only %s should be flagged, as %s", g.Block.Func, st.Verdict, tt.fn, tt.want)
				}
				if g.Block.Func == tt.fn || (g.CreatedBy != nil && strings.HasPrefix(tt.fn, g.CreatedBy.Func)) {
					found = found || g.Block.Func == tt.fn
					if st.Verdict != tt.want {
						t.Errorf("group in %s is %s, want %s (trend %v)", g.Block.Func, st.Verdict, tt.want, st.Trend)
					}
				}
			}
			if !found && tt.want != watch.Stable {
				t.Errorf("no group in %s; groups: %v", tt.fn, got)
			}
			for _, e := range events {
				if e.Kind == watch.TargetFailed || e.Kind == watch.TargetRestarted {
					t.Errorf("unexpected event: %s", e)
				}
			}
		})
	}
}

// TestRestart kills a service and starts it again on the same address
// mid-watch: the restart is reported once, and the counts starting over
// are neither a drop nor a leak.
func TestRestart(t *testing.T) {
	s := startService(t, goWithout, "steady", "127.0.0.1:0")
	w, err := watch.New([]string{s.URL}, watch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var events []watch.Event
	look := lookAll(w, &events)
	drive(t, look, 8, func(int) { s.get(t, "/work") })
	s.churn(t, 100)
	look(context.Background()) // sees the churned IDs
	s.stop()
	look(context.Background()) // fails: the service is down
	s = startService(t, goWithout, "steady", s.Addr)
	drive(t, look, 8, func(int) { s.get(t, "/work") })

	kinds := map[watch.EventKind]int{}
	for _, e := range events {
		kinds[e.Kind]++
		if e.Kind == watch.TargetFailed && e.Err == nil {
			t.Errorf("a failure without its error: %s", e)
		}
		if e.Kind == watch.VerdictChanged {
			t.Errorf("verdict changed across the restart: %s", e)
		}
	}
	if kinds[watch.TargetFailed] != 1 || kinds[watch.TargetBack] != 1 {
		t.Errorf("want one failure and one return, got %v", kinds)
	}
	if kinds[watch.TargetRestarted] != 1 {
		t.Errorf("%d restart events, want 1: %v", kinds[watch.TargetRestarted], events)
	}
	res := w.Report(watch.ReportOptions{All: true})
	if got := res.Targets[0].Restarts; got != 1 {
		t.Errorf("Restarts = %d, want 1", got)
	}
	for _, st := range res.Groups {
		if st.Verdict != watch.Stable {
			t.Errorf("group %s is %s after a restart of a steady service", st.Fingerprint, st.Verdict)
		}
	}
	notes := strings.Join(res.Report.Notes, "\n")
	if !strings.Contains(notes, "Restarted during the watch") {
		t.Errorf("the notes do not tell the restart:\n%s", notes)
	}
}

// TestRestartOfALeak restarts a leaking service: its leak is growing again
// in the new process, and not hidden by the drop to zero.
func TestRestartOfALeak(t *testing.T) {
	s := startService(t, goWithout, "leak", "127.0.0.1:0")
	w, err := watch.New([]string{s.URL}, watch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var events []watch.Event
	look := lookAll(w, &events)
	work := func(int) {
		for range 3 {
			s.get(t, "/work")
		}
	}
	drive(t, look, 10, work)
	s.churn(t, 100)
	look(context.Background()) // sees the churned IDs
	s.stop()
	look(context.Background()) // fails: the service is down
	s = startService(t, goWithout, "leak", s.Addr)
	drive(t, look, 10, work)
	res := w.Report(watch.ReportOptions{})
	if len(res.Groups) != 1 || res.Report.Groups[0].Block.Func != "main.leakOne.func1" || res.Groups[0].Verdict != watch.Growing {
		t.Fatalf("want one growing group in main.leakOne.func1, got %d groups", len(res.Groups))
	}
	if r := res.Groups[0].Instances[0].Rise; r == nil || r.From > 3 {
		t.Errorf("the rise is not measured from the restart: %+v", r)
	}
}

// TestFleet watches two targets holding the same groups and one that does
// not answer: the groups merge by fingerprint with a count per target, and
// the dead target is told once and named in the notes.
func TestFleet(t *testing.T) {
	small, big := simDump(30, 3, 0), simDump(60, 3, 0)
	urls := simTargets(t, 2, func(w io.Writer, target int, _ int64) {
		w.Write([][]byte{small, big}[target])
	})
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	w, err := watch.New(append(urls, dead.URL), watch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var events []watch.Event
	for range 5 {
		events = append(events, w.Look(context.Background())...)
	}
	failed := 0
	for _, e := range events {
		if e.Kind == watch.TargetFailed && e.Target == dead.URL {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("the dead target was told %d times, want once: %v", failed, events)
	}
	groups := w.Groups()
	if len(groups) != 3 {
		t.Fatalf("%d groups, want 3", len(groups))
	}
	for _, g := range groups {
		if g.Count != 30 || len(g.Instances) != 2 || g.Instances[0].Count+g.Instances[1].Count != 30 ||
			g.Instances[0].Target == g.Instances[1].Target || g.Verdict != watch.Stable {
			t.Errorf("group %s: %+v", g.Fingerprint, g)
		}
	}
	res := w.Report(watch.ReportOptions{All: true, NoSource: true})
	notes := strings.Join(res.Report.Notes, "\n")
	if !strings.Contains(notes, "Failing at the end: "+dead.URL) {
		t.Errorf("the notes do not name the dead target:\n%s", notes)
	}
	if res.Targets[2].Looks != 0 || res.Targets[0].Looks != 5 {
		t.Errorf("looks per target: %+v", res.Targets)
	}
}
