package harness

import (
	"context"
	"errors"
	"fmt"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/profile"
)

// LabelKey is the pprof label that marks the goroutines of one run of a
// scenario. Goroutines inherit labels from the goroutine that starts them,
// so everything a scenario starts, at any depth, carries it.
const LabelKey = "leakhound.example"

// runSeq makes run labels unique across parallel tests and -count reruns.
var runSeq atomic.Int64

// Run is one started scenario whose goroutines can be captured and then
// released.
type Run struct {
	// Scenario is what was started.
	Scenario Scenario
	// Label is the value of LabelKey carried by this run's goroutines.
	Label string

	releaseOnce sync.Once
	release     func()
}

// Start runs s.Leak with a label unique to this run. On error, whatever the
// scenario started has already been released.
func Start(s Scenario) (*Run, error) { return start(s, s.Leak) }

// StartFixed runs s.Fixed as Start runs s.Leak.
func StartFixed(s Scenario) (*Run, error) { return start(s, s.Fixed) }

func start(s Scenario, steps func() (func(), error)) (*Run, error) {
	r := &Run{Scenario: s, Label: fmt.Sprintf("%s#%d", s.Name, runSeq.Add(1))}
	if steps == nil {
		return nil, fmt.Errorf("the %s scenario has no such version", s.Name)
	}
	var err error
	pprof.Do(context.Background(), pprof.Labels(LabelKey, r.Label), func(context.Context) {
		r.release, err = steps()
	})
	if err != nil {
		err = fmt.Errorf("starting the %s scenario: %w", s.Name, err)
		if rerr := r.Release(); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return nil, err
	}
	return r, nil
}

// ReleaseBudget bounds how long Release waits for released goroutines to
// return. They take microseconds; the budget is for loaded machines.
const ReleaseBudget = 10 * time.Second

// Release unblocks every goroutine the run left behind and waits until
// none of the run's goroutines (kept by the Keep filter or not) is alive,
// so that whatever runs next sees a clean process. It returns an error
// naming the survivors if some are still there after ReleaseBudget. Calls
// after the first only wait.
func (r *Run) Release() error {
	r.releaseOnce.Do(func() {
		if r.release != nil {
			r.release()
		}
	})
	deadline := time.Now().Add(ReleaseBudget)
	wait := time.Millisecond
	for {
		alive, err := r.alive()
		if err != nil || len(alive) == 0 {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s of the %s scenario still alive %v after release, e.g. %s",
				words.Plural(len(alive), "goroutine"), r.Scenario.Name, ReleaseBudget, describe(alive[0]))
		}
		time.Sleep(wait)
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// alive returns every goroutine carrying the run's label.
func (r *Run) alive() ([]*profile.Goroutine, error) {
	snap, err := profile.Capture()
	if err != nil {
		return nil, fmt.Errorf("capturing goroutines: %w", err)
	}
	var gs []*profile.Goroutine
	for _, g := range snap.Goroutines {
		if g.Labels[LabelKey] == r.Label {
			gs = append(gs, g)
		}
	}
	return gs, nil
}

func describe(g *profile.Goroutine) string {
	s := fmt.Sprintf("goroutine %d [%s]", g.ID, g.State)
	if len(g.Frames) > 0 {
		s += " in " + g.Frames[0].Func
	}
	return s
}

// Goroutines captures every goroutine of the process and returns those of
// this run that the scenario's Keep filter accepts.
func (r *Run) Goroutines() ([]*profile.Goroutine, error) {
	snap, err := profile.Capture()
	if err != nil {
		return nil, fmt.Errorf("capturing goroutines: %w", err)
	}
	var mine []*profile.Goroutine
	for _, g := range snap.Goroutines {
		if g.Labels[LabelKey] == r.Label && (r.Scenario.Keep == nil || r.Scenario.Keep(g)) {
			mine = append(mine, g)
		}
	}
	return mine, nil
}

// ErrNotSettled means the run's goroutines did not reach the expected state
// within the budget.
var ErrNotSettled = errors.New("the scenario's goroutines did not settle")

// Settle captures the run's goroutines until ready accepts them, polling
// with backoff for at most budget, and returns the goroutines ready saw
// last. A nil ready means Blocked.
func (r *Run) Settle(budget time.Duration, ready func(prev, cur []*profile.Goroutine) bool) ([]*profile.Goroutine, error) {
	if ready == nil {
		ready = Blocked
	}
	deadline := time.Now().Add(budget)
	wait := time.Millisecond
	var prev []*profile.Goroutine
	for {
		cur, err := r.Goroutines()
		if err != nil {
			return nil, err
		}
		if ready(prev, cur) {
			return cur, nil
		}
		if time.Now().After(deadline) {
			return cur, fmt.Errorf("%w within %v: %s carrying label %s=%s", ErrNotSettled, budget, words.Plural(len(cur), "goroutine"), LabelKey, r.Label)
		}
		time.Sleep(wait)
		wait = min(2*wait, 50*time.Millisecond)
		prev = cur
	}
}

// Gone accepts an empty set of goroutines: everything the run started
// (that the scenario's Keep filter accepts) has returned.
func Gone(_, cur []*profile.Goroutine) bool { return len(cur) == 0 }

// Blocked accepts goroutines that are all waiting (none running or
// runnable) and sit at the same place as in the previous capture: the
// scenario has come to rest.
func Blocked(prev, cur []*profile.Goroutine) bool {
	if len(cur) == 0 || len(prev) != len(cur) {
		return false
	}
	where := make(map[int64]profile.Frame, len(prev))
	for _, g := range prev {
		where[g.ID] = top(g)
	}
	for _, g := range cur {
		switch g.State {
		case "running", "runnable", "":
			return false
		}
		if f, ok := where[g.ID]; !ok || f != top(g) {
			return false
		}
	}
	return true
}

// CountAt counts the goroutines with a frame at file:line whose state is a
// wait (not running or runnable).
func CountAt(gs []*profile.Goroutine, file string, line int) int {
	n := 0
	for _, g := range gs {
		if g.State == "running" || g.State == "runnable" {
			continue
		}
		for _, f := range g.Frames {
			if f.Line == line && hasPathSuffix(f.File, file) {
				n++
				break
			}
		}
	}
	return n
}

func top(g *profile.Goroutine) profile.Frame {
	if len(g.Frames) == 0 {
		return profile.Frame{}
	}
	return g.Frames[0]
}
