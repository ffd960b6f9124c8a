package leakcheck

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// Budgets for the scenarios below. A leaking scenario waits out its whole
// budget (its goroutine is blocked on a channel the test holds, which the
// runtime cannot prove leaked), so it gets a short one. A clean scenario
// never waits for its budget to pass unless the check is wrong, so it gets a
// long one: a slow machine can only make it slower, never make it fail.
const (
	leakBudget  = 30 * time.Millisecond
	cleanBudget = 20 * time.Second
)

// startCheck starts a check on a fake test named name, on the calling
// goroutine, as Check does.
func startCheck(t *testing.T, name string, opts ...Option) (*fakeTB, *testCheck) {
	t.Helper()
	ft := newFakeTB(t, name)
	tc := check(ft, "example.com/pkg", opts)
	if tc == nil {
		t.Fatalf("check did not start: %s", ft.errorText())
	}
	return ft, tc
}

// parked is a goroutine blocked on a channel until released.
type parked struct {
	release chan struct{}
	done    chan struct{}
}

// park starts a goroutine that blocks until released. Every scenario that
// leaks uses this one go statement, so leaks of different tests share their
// stack exactly.
func park() *parked {
	p := &parked{release: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		<-p.release
	}()
	return p
}

// stop releases the goroutine and waits until it has returned.
func (p *parked) stop() {
	close(p.release)
	<-p.done
}

// TestCheckParallelSameLine runs 200 checks at once, every other one leaking
// a goroutine at the same go statement, and requires each verdict to be
// exactly right. All the leaked goroutines are alive while every check
// looks, so a check that counted another test's goroutine would fail a
// clean test or count two leaks.
func TestCheckParallelSameLine(t *testing.T) {
	// Every check's profiles hold all n goroutines, so the test costs about
	// n²; 200 is the number the package promises to judge exactly at once.
	const n = 200
	var (
		started, judged, checked sync.WaitGroup
		mu                       sync.Mutex
		problems                 []string
	)
	report := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, fmt.Sprintf(format, args...))
	}
	started.Add(n)
	judged.Add(n)
	checked.Add(n)
	release := make(chan struct{})
	for i := range n {
		leaks := i%2 == 1
		go func() {
			defer checked.Done()
			opts := []Option{SettleBudget(cleanBudget)}
			if leaks {
				opts = []Option{SettleBudget(leakBudget)}
				// The verdicts rest on the stacks alone; the sources only
				// sharpen each report's diagnosis, and type-checking this
				// package for every report made most of the test's time.
				// A tenth of the reports still read them, all at once.
				if i%20 != 1 {
					opts = append(opts, NoSource())
				}
			}
			ft, tc := startCheck(t, fmt.Sprintf("TestParallel/case_%03d", i), opts...)
			p := park()
			if !leaks {
				p.stop()
			}
			started.Done()
			started.Wait() // every leaking goroutine now exists
			ft.runCleanups()
			switch {
			case leaks && !ft.failed():
				report("case %d leaked but passed", i)
			case !leaks && ft.failed():
				report("case %d is clean but failed:\n%s", i, ft.errorText())
			case leaks && len(tc.result.leaks) != 1:
				report("case %d leaked one goroutine, the check found %d", i, len(tc.result.leaks))
			case leaks && !strings.Contains(ft.errorText(), ft.Name()):
				report("case %d: the failure does not name the test:\n%s", i, ft.errorText())
			}
			judged.Done()
			if leaks {
				<-release
				p.stop()
			}
		}()
	}
	// Leaked goroutines are released only once every check is judged.
	judged.Wait()
	close(release)
	checked.Wait()
	for _, p := range problems {
		t.Error(p)
	}
}
