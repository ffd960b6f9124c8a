package leakcheck

import (
	"context"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/profile"
)

// globalQueue is reachable from a package variable for the life of the
// process, so the runtime can never prove a goroutine receiving from it
// leaked: only the settle budget can tell.
var globalQueue = make(chan struct{})

// relabelled starts a goroutine that replaces its own labels with
// pprof.Do(context.Background(), ...), the way a worker that labels each job
// does, and then blocks: inside the pprof.Do call (it carries the user's
// label) or after it returned (it carries none). It returns when the
// goroutine is blocked, and gives back the function that releases it.
func relabelled(inside bool) (release func()) {
	blocked := make(chan struct{})
	p := &parked{release: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		pprof.Do(context.Background(), pprof.Labels("user", "label"), func(context.Context) {
			if inside {
				close(blocked)
				<-p.release
			}
		})
		if !inside {
			close(blocked)
			<-p.release
		}
	}()
	<-blocked
	return p.stop
}

// TestCheckScenarios runs one check per scenario on a fake test and compares
// its verdict with what the scenario did.
func TestCheckScenarios(t *testing.T) {
	tests := []struct {
		name string
		// run does the test's work after Check and returns a function that
		// releases whatever it left running.
		run    func(t *testing.T) (release func())
		budget time.Duration
		// want is how many goroutines must be reported, and how they are
		// tied to the test.
		want    int
		wantHow profile.Attribution
	}{
		{
			name:   "nothing started",
			run:    func(*testing.T) func() { return func() {} },
			budget: cleanBudget,
		},
		{
			name: "a goroutine that returned before the end",
			run: func(*testing.T) func() {
				park().stop()
				return func() {}
			},
			budget: cleanBudget,
		},
		{
			name: "one goroutine left blocked",
			run: func(*testing.T) func() {
				return park().stop
			},
			budget: leakBudget, want: 1, wantHow: profile.ByLabel,
		},
		{
			name: "a grandchild started through a child that returned",
			run: func(*testing.T) func() {
				child := make(chan *parked)
				go func() { child <- park() }()
				return (<-child).stop
			},
			budget: leakBudget, want: 1, wantHow: profile.ByLabel,
		},
		{
			name: "blocked on a channel a global variable holds",
			run: func(*testing.T) func() {
				done := make(chan struct{})
				go func() {
					defer close(done)
					<-globalQueue
				}()
				return func() {
					globalQueue <- struct{}{}
					<-done
				}
			},
			budget: leakBudget, want: 1, wantHow: profile.ByLabel,
		},
		{
			name: "started inside pprof.Do with context.Background",
			run: func(*testing.T) func() {
				var p *parked
				pprof.Do(context.Background(), pprof.Labels("user", "label"), func(context.Context) {
					p = park()
				})
				return p.stop
			},
			budget: leakBudget, want: 1, wantHow: profile.ByCreator,
		},
		{
			name: "started after pprof.Do dropped the test's label",
			run: func(*testing.T) func() {
				pprof.Do(context.Background(), pprof.Labels("user", "label"), func(context.Context) {})
				return park().stop
			},
			budget: leakBudget, want: 1, wantHow: profile.ByCreator,
		},
		{
			// The goroutine had the test's label when it started and
			// replaced it itself; it now has no label at all, like the
			// goroutines that ran before the test. Only the baseline
			// taken at Check tells it apart from them.
			name: "a goroutine that ran pprof.Do itself, then blocked",
			run: func(*testing.T) func() {
				return relabelled(false)
			},
			budget: leakBudget, want: 1, wantHow: profile.ByCreator,
		},
		{
			name: "a goroutine blocked inside its own pprof.Do",
			run: func(*testing.T) func() {
				return relabelled(true)
			},
			budget: leakBudget, want: 1, wantHow: profile.ByCreator,
		},
		{
			name: "started by a subtest without its own Check",
			run: func(t *testing.T) func() {
				var p *parked
				t.Run("child", func(*testing.T) { p = park() })
				return p.stop
			},
			budget: leakBudget, want: 1, wantHow: profile.ByLabel,
		},
		{
			name: "started by a subtest with its own Check",
			run: func(t *testing.T) func() {
				var p *parked
				t.Run("child", func(t *testing.T) {
					child, _ := startCheck(t, "TestScenario/child", SettleBudget(leakBudget))
					p = park()
					child.runCleanups()
					if !child.failed() {
						t.Error("the subtest's own check missed its leak")
					}
				})
				return p.stop
			},
			budget: cleanBudget,
		},
		{
			name: "pprof.Do with a goroutine that returned",
			run: func(*testing.T) func() {
				pprof.Do(context.Background(), pprof.Labels("user", "label"), func(context.Context) {
					park().stop()
				})
				return func() {}
			},
			budget: cleanBudget,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft, tc := startCheck(t, "TestScenario", SettleBudget(tt.budget))
			release := tt.run(t)
			ft.runCleanups()
			release()

			if got := len(tc.result.leaks); got != tt.want {
				t.Fatalf("the check reported %d goroutines, want %d; errors:\n%s", got, tt.want, ft.errorText())
			}
			if ft.failed() != (tt.want > 0) {
				t.Fatalf("failed = %v, want %v; errors:\n%s", ft.failed(), tt.want > 0, ft.errorText())
			}
			for _, l := range tc.result.leaks {
				if l.Attribution != tt.wantHow {
					t.Errorf("tied to the test by %q, want %q", l.Attribution, tt.wantHow)
				}
				if l.Test != "TestScenario" {
					t.Errorf("tied to test %q, want TestScenario", l.Test)
				}
			}
			if tt.want == 0 && tc.result.waited > cleanBudget/2 {
				t.Errorf("a clean check waited %v", tc.result.waited)
			}
		})
	}
}

// TestCheckIgnoresEarlierGoroutines starts goroutines before Check, on the
// same goroutine, at the same go statement a leak would use: none of them
// may be blamed on the test.
func TestCheckIgnoresEarlierGoroutines(t *testing.T) {
	before := []*parked{park(), park()}
	defer func() {
		for _, p := range before {
			p.stop()
		}
	}()
	// One of them also lost its labels the way pprof.Do drops them.
	pprof.Do(context.Background(), pprof.Labels("user", "x"), func(context.Context) {
		before = append(before, park())
	})
	ft, tc := startCheck(t, "TestEarlier", SettleBudget(cleanBudget))
	ft.runCleanups()
	if ft.failed() || len(tc.result.leaks) != 0 {
		t.Fatalf("goroutines started before Check were reported:\n%s", ft.errorText())
	}
}

// TestCheckSettles releases a goroutine while the check is waiting: it must
// pass, and well before its budget ends.
func TestCheckSettles(t *testing.T) {
	ft, tc := startCheck(t, "TestSettles", SettleBudget(cleanBudget))
	p := park()
	timer := time.AfterFunc(20*time.Millisecond, func() { close(p.release) })
	defer timer.Stop()
	ft.runCleanups()
	<-p.done
	if ft.failed() {
		t.Fatalf("a goroutine that finished within the budget failed the check:\n%s", ft.errorText())
	}
	if tc.result.waited >= cleanBudget/2 {
		t.Fatalf("the check waited %v, as if the goroutine had not finished", tc.result.waited)
	}
}

// TestCheckRealSubtests uses real parallel subtests, each with its own
// Check on its own test goroutine, half of them leaking at one go
// statement. Goroutines from that same statement, started by the parent,
// stay alive through all the checks. The subtests check through a fake
// test so a leak can be judged without failing.
func TestCheckRealSubtests(t *testing.T) {
	const n = 20
	var stops []func()
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	results := make([]chan bool, n)
	for i := range n {
		results[i] = make(chan bool, 1)
	}
	t.Run("group", func(t *testing.T) {
		for i := range n {
			leaks := i%2 == 0
			stops = append(stops, park().stop)
			t.Run("case", func(t *testing.T) {
				t.Parallel()
				budget := cleanBudget
				if leaks {
					budget = leakBudget
				}
				ft, _ := startCheck(t, t.Name(), SettleBudget(budget))
				q := park()
				if !leaks {
					q.stop()
				}
				ft.runCleanups()
				results[i] <- ft.failed()
				if leaks {
					q.stop()
				}
			})
		}
	})
	for i := range n {
		if got, want := <-results[i], i%2 == 0; got != want {
			t.Errorf("case %d: failed = %v, want %v", i, got, want)
		}
	}
}

// TestCheckOptions covers the options that change a verdict.
func TestCheckOptions(t *testing.T) {
	tests := []struct {
		name     string
		opts     []Option
		wantFail bool
	}{
		{"no option", nil, true},
		{"ignore the top function", []Option{IgnoreTopFunction("github.com/leakhound/leakhound/leakcheck.park.func1")}, false},
		{"ignore another top function", []Option{IgnoreTopFunction("example.com/other.f")}, true},
		{"ignore any function", []Option{IgnoreAnyFunction("github.com/leakhound/leakhound/leakcheck.park.func1")}, false},
		{"ignore the creator", []Option{IgnoreCreatedBy("github.com/leakhound/leakhound/leakcheck.park")}, false},
		{"ignore another creator", []Option{IgnoreCreatedBy("example.com/other.f")}, true},
		{"ignore by a function of the goroutine", []Option{IgnoreGoroutine(func(g *profile.Goroutine) bool { return g.State == "chan receive" })}, false},
		{"ignore the pattern (a resource never closed)", []Option{IgnorePattern("LH020")}, false},
		{"ignore another pattern", []Option{IgnorePattern("LH999")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := append([]Option{SettleBudget(leakBudget)}, tt.opts...)
			ft, _ := startCheck(t, "TestOptions", opts...)
			p := park()
			ft.runCleanups()
			p.stop()
			if ft.failed() != tt.wantFail {
				t.Fatalf("failed = %v, want %v:\n%s", ft.failed(), tt.wantFail, ft.errorText())
			}
		})
	}
}

// TestCheckOnlyProven: a goroutine the runtime cannot prove leaked is shown
// in the log but does not fail the check, where proof exists; without
// proof the option cannot apply and says so.
func TestCheckOnlyProven(t *testing.T) {
	ft, tc := startCheck(t, "TestOnlyProven", SettleBudget(leakBudget), OnlyProvenLeaks())
	p := park()
	ft.runCleanups()
	p.stop()
	if len(tc.result.leaks) != 1 {
		t.Fatalf("the check saw %d survivors, want 1", len(tc.result.leaks))
	}
	if tc.result.proofAvailable {
		if ft.failed() {
			t.Fatalf("an unproven survivor failed the check:\n%s", ft.errorText())
		}
		if !strings.Contains(ft.logText(), "park") {
			t.Fatalf("the survivor is not in the log:\n%s", ft.logText())
		}
	} else {
		if !ft.failed() || !strings.Contains(ft.errorText(), "OnlyProvenLeaks has no effect") {
			t.Fatalf("without proof the survivor must fail the check, with a note:\n%s", ft.errorText())
		}
	}
}

// TestCheckReportDir writes report files for a leak.
func TestCheckReportDir(t *testing.T) {
	dir := t.TempDir()
	ft, _ := startCheck(t, "TestReportDir", SettleBudget(leakBudget), ReportDir(dir))
	p := park()
	ft.runCleanups()
	p.stop()
	if !ft.failed() {
		t.Fatal("the leak was not reported")
	}
	if strings.Contains(ft.errorText(), "writing report files") {
		t.Fatalf("writing the report files failed:\n%s", ft.errorText())
	}
	entries, err := readDirNames(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("no report files in %s (%v)", dir, err)
	}
}

// readDirNames lists the names in dir.
func readDirNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names, err
}

// serveUntil is a server loop started with go serveUntil(arg): the go
// statement is compiled through a wrapper, and a goroutine not yet
// scheduled shows no function of its own in the goroutine profile.
func serveUntil(stop chan struct{}, _ int) { <-stop }

// TestCheckIgnoresGoroutinesNotYetScheduled starts hundreds of goroutines
// right before Check, on one P so that most have not run when Check counts
// them, then starts and joins one of its own: none of the earlier ones may
// be blamed on the test once they have run.
func TestCheckIgnoresGoroutinesNotYetScheduled(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const n = 300
	for range 5 {
		stop := make(chan struct{})
		for i := range n {
			go serveUntil(stop, i)
		}
		ft, tc := startCheck(t, "TestNotScheduled", SettleBudget(cleanBudget))
		done := make(chan struct{})
		go func() { close(done) }()
		<-done
		ft.runCleanups()
		close(stop)
		if ft.failed() || len(tc.result.leaks) != 0 {
			t.Fatalf("goroutines started before Check, not yet scheduled then, were blamed (%d):\n%s", len(tc.result.leaks), ft.errorText())
		}
	}
}
