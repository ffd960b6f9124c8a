package leakcheck

import (
	"context"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/profile"
)

// The goroutines of these scenarios are started outside the test's
// goroutine, or wait in the standard library where the check once looked
// away: each must fail the check that started it.
func TestCheckLeaksWithoutLabel(t *testing.T) {
	tests := []struct {
		name string
		// run leaks a goroutine, returns once it is blocked, and gives back
		// what releases it.
		run     func() (release func())
		wantHow profile.Attribution
	}{
		{
			name: "time.AfterFunc callback blocked",
			run: func() func() {
				ch := make(chan int)
				var started sync.WaitGroup
				started.Add(1)
				time.AfterFunc(time.Millisecond, func() { started.Done(); ch <- 1 })
				started.Wait()
				return func() { <-ch }
			},
			wantHow: profile.ByAlone,
		},
		{
			// A deadline cancels its context from a time.AfterFunc
			// timer, as here. With context.WithTimeout itself the test
			// would not be deterministic: a deadline that passes before
			// context.AfterFunc registers f (a slow machine) makes
			// AfterFunc start f from the test goroutine, with its label.
			name: "context.AfterFunc cancelled by a timer, as on a deadline",
			run: func() func() {
				ctx, cancel := context.WithCancel(context.Background())
				release := make(chan struct{})
				var started sync.WaitGroup
				started.Add(1)
				context.AfterFunc(ctx, func() { started.Done(); <-release })
				time.AfterFunc(time.Millisecond, cancel)
				started.Wait()
				return func() { close(release) }
			},
			wantHow: profile.ByAlone,
		},
		{
			name: "goroutine started by a finalizer",
			run: func() func() {
				release := make(chan struct{})
				var started sync.WaitGroup
				started.Add(1)
				obj := new([64]byte)
				runtime.AddCleanup(obj, func(ch chan struct{}) {
					go func() { started.Done(); <-ch }()
				}, release)
				obj = nil
				_ = obj
				for done := false; !done; {
					runtime.GC()
					done = waitTimeout(&started, 10*time.Millisecond)
				}
				return func() { close(release) }
			},
			wantHow: profile.ByAlone,
		},
		{
			name: "signal.NotifyContext never stopped",
			run: func() func() {
				_, stop := signal.NotifyContext(context.Background(), os.Interrupt)
				return stop
			},
			wantHow: profile.ByLabel,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft, tc := startCheck(t, "TestNoLabel", SettleBudget(leakBudget))
			release := tt.run()
			ft.runCleanups()
			release()
			if !ft.failed() || len(tc.result.leaks) != 1 {
				t.Fatalf("want 1 leak failing the check, got %d:\n%s\nlog:\n%s", len(tc.result.leaks), ft.errorText(), ft.logText())
			}
			if got := tc.result.leaks[0].Attribution; got != tt.wantHow {
				t.Errorf("attribution %q, want %q", got, tt.wantHow)
			}
		})
	}
}

// waitTimeout waits for wg, up to d; it reports whether wg was done.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// orphanLeakers make the callbacks of the parallel cases' timers: distinct
// functions, so each case's timer goroutine has an entry function of its
// own and the counts taken at Check tell them apart whatever their IDs.
var orphanLeakers = []func(running *sync.WaitGroup, id *int64, ch chan int) func(){
	func(running *sync.WaitGroup, id *int64, ch chan int) func() {
		return func() { *id = profile.CurrentID(); running.Done(); ch <- 1 }
	},
	func(running *sync.WaitGroup, id *int64, ch chan int) func() {
		return func() { *id = profile.CurrentID(); running.Done(); ch <- 2 }
	},
	func(running *sync.WaitGroup, id *int64, ch chan int) func() {
		return func() { *id = profile.CurrentID(); running.Done(); ch <- 3 }
	},
}

// TestCheckOrphansUnderParallel runs checks in parallel subtests, some
// leaking a timer's goroutine, some clean, while the parent's own check is
// open, so every check overlaps another whatever -parallel allows. An
// orphan appears while several checks overlap, so it must fail no test,
// never a clean one, and must still be shown by the check that started it.
func TestCheckOrphansUnderParallel(t *testing.T) {
	type result struct {
		failed bool
		shown  bool
	}
	n := 2 * len(orphanLeakers)
	results := make(chan result, n)
	var releases []func()
	var mu sync.Mutex
	parent, _ := startCheck(t, "TestParent", SettleBudget(cleanBudget))
	t.Run("group", func(t *testing.T) {
		for i := range n {
			t.Run("case", func(t *testing.T) {
				t.Parallel()
				ft, tc := startCheck(t, t.Name(), SettleBudget(leakBudget))
				if i%2 == 1 {
					ft.runCleanups()
					results <- result{failed: ft.failed(), shown: true}
					return
				}
				ch := make(chan int)
				var running sync.WaitGroup
				running.Add(1)
				var id int64
				time.AfterFunc(time.Millisecond, orphanLeakers[i/2](&running, &id, ch))
				running.Wait()
				mu.Lock()
				releases = append(releases, func() { <-ch })
				mu.Unlock()
				ft.runCleanups()
				shown := false
				for _, l := range tc.result.shared {
					shown = shown || l.Goroutine.ID == id
				}
				shown = shown && strings.Contains(ft.logText(), "started outside any test's goroutines")
				results <- result{failed: ft.failed(), shown: shown}
			})
		}
	})
	for _, release := range releases {
		release()
	}
	parent.runCleanups()
	if parent.failed() {
		t.Errorf("the parent's check failed:\n%s", parent.errorText())
	}
	close(results)
	for r := range results {
		if r.failed {
			t.Errorf("a check failed for a goroutine no test can be shown to own")
		}
		if !r.shown {
			t.Errorf("a check did not show in its log the goroutine its timer started")
		}
	}
}

// TestCheckEntersBeforeItsLook: a check is among the running checks by the
// time it takes the IDs it judges newcomers by. Found by the long
// differential run (seeds 3059317 and 3059319 as parallel subtests): a
// check that had left between another check's look and its entry did not
// count as overlapping it, so a timer goroutine of its test, created in
// that gap, was blamed on the other test as though it had run alone.
func TestCheckEntersBeforeItsLook(t *testing.T) {
	const name = "TestEntersFirst"
	registered, looked := false, false
	spy := optionFunc(func(c *config) {
		c.look.ids = func(dst []int64) []int64 {
			looked = true
			checks.mu.Lock()
			for tc := range checks.running {
				registered = registered || tc.test == name
			}
			checks.mu.Unlock()
			return profile.CaptureIDs(dst)
		}
	})
	// Two goroutines created since the latest look: the check cannot stand
	// on it, and must look.
	for range 2 {
		done := make(chan struct{})
		go func() { close(done) }()
		<-done
	}
	ft, _ := startCheck(t, name, spy)
	ft.runCleanups()
	if !looked {
		t.Fatal("the check took no look of its own; nothing was tested")
	}
	if !registered {
		t.Fatal("the check took its IDs before it was among the running checks")
	}
}
