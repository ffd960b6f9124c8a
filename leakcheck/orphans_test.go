package leakcheck

import (
	"context"
	"fmt"
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

// TestCheckOrphansUnderParallel runs checks side by side, each on its own
// goroutine, some leaking a timer's goroutine, some clean, all looking
// before any orphan appears and judging after they all have: every check
// sees every orphan new. The rule of orphans.go decides by the tests'
// names and the parent's check: never silent, never a clean test failed as
// the starter, and no log naming a test as the starter.
func TestCheckOrphansUnderParallel(t *testing.T) {
	tests := []struct {
		name        string
		parent      string // the fakes are subtests of it; "" for top-level tests
		parentCheck bool   // the parent has a check of its own
		// wantParent: the parent fails for the orphans, once each, and no
		// subtest fails; otherwise every check fails as a candidate.
		wantParent bool
	}{
		{name: "subtests, parent with a check", parent: "TestTable", parentCheck: true, wantParent: true},
		{name: "subtests, parent without a check", parent: "TestTable", wantParent: true},
		{name: "top-level tests, no VerifyTestMain", parent: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 2 * len(orphanLeakers)
			var parent *fakeTB
			var parentTC *testCheck
			fakes := make([]*fakeTB, n)
			for i := range fakes {
				name := fmt.Sprintf("case_%d", i)
				if tt.parent == "" {
					fakes[i] = newFakeTB(t, "TestTop"+name)
					continue
				}
				if parent == nil {
					if tt.parentCheck {
						// The orphans stay blocked until the parent's check is
						// over, so it waits out its whole budget: a short one.
						// The goroutines that ran the fakes are gone by then
						// (waited for below), so nothing else can outlast it.
						parent, parentTC = startCheck(t, tt.parent, SettleBudget(leakBudget))
					} else {
						parent = newFakeTB(t, tt.parent)
					}
				}
				fakes[i] = newFakeSubTB(t, parent, name)
			}
			tcs := make([]*testCheck, n)
			var looked, leaked, judged sync.WaitGroup
			looked.Add(n)
			leaked.Add(n)
			judged.Add(n)
			var releases sync.Map
			workers := make([]int64, n) // the goroutines running the fakes
			for i, ft := range fakes {
				go func() {
					defer judged.Done()
					workers[i] = profile.CurrentID()
					tcs[i] = check(ft, "example.com/pkg", []Option{SettleBudget(leakBudget)})
					looked.Done()
					looked.Wait()
					if i%2 == 0 {
						ch := make(chan int)
						var running sync.WaitGroup
						running.Add(1)
						var id int64
						time.AfterFunc(time.Millisecond, orphanLeakers[i/2](&running, &id, ch))
						running.Wait()
						releases.Store(id, func() { <-ch })
					}
					leaked.Done()
					leaked.Wait()
					ft.runCleanups()
				}()
			}
			judged.Wait()
			if parentTC != nil {
				// Started after the parent's check, on this goroutine, they
				// are the parent's until they have returned.
				waitGone(t, workers)
				parent.runCleanups()
			}
			releases.Range(func(_, release any) bool { release.(func())(); return true })
			orphans := 0
			releases.Range(func(any, any) bool { orphans++; return true })

			for i, ft := range fakes {
				if tcs[i] == nil {
					t.Fatalf("check %d did not start: %s", i, ft.errorText())
				}
				for _, l := range tcs[i].result.leaks {
					t.Errorf("%s failed as the starter of goroutine %d, which it cannot be shown to have started", ft.Name(), l.Goroutine.ID)
				}
				if strings.Contains(ft.logText(), "test: ") {
					t.Errorf("%s's log names a test for a goroutine:\n%s", ft.Name(), ft.logText())
				}
				switch {
				case tt.wantParent && ft.failed():
					t.Errorf("%s failed; its parent owns the orphans:\n%s", ft.Name(), ft.errorText())
				case !tt.wantParent && !strings.Contains(ft.errorText(), "one of TestTopcase_0, "):
					t.Errorf("%s did not fail as one of the candidates:\n%s", ft.Name(), ft.errorText())
				}
			}
			if tt.wantParent {
				text := parent.errorText()
				if got := strings.Count(text, "leakcheck: "); got != 1 {
					t.Errorf("the parent failed %d times, want once:\n%s", got, text)
				}
				if !strings.Contains(text, "one of its subtests TestTable/case_0") {
					t.Errorf("the parent did not fail as the owner of its subtests' orphans:\n%s", text)
				}
				if !strings.Contains(text, "leaked "+thisOrThese(orphans)+":") {
					t.Errorf("the parent's failure does not show the orphans:\n%s", text)
				}
			}
		})
	}
}

// waitGone waits until none of the goroutines ids is alive: a goroutine
// that has done its last work may still be on its way out.
func waitGone(t *testing.T, ids []int64) {
	t.Helper()
	for {
		alive := false
		for _, id := range profile.CaptureIDs(nil) {
			for _, w := range ids {
				alive = alive || id == w
			}
		}
		if !alive {
			return
		}
		time.Sleep(time.Millisecond)
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
