package leakcheck

import (
	"fmt"
	"runtime"
	"time"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// Settling.
//
// When a check starts, goroutines the code under test stopped a moment ago
// may still be on their way out: a server's connection goroutines unwinding,
// a worker returning after its channel was closed. Calling those leaks would
// make tests flaky, so a check looks again, with a growing pause, until none
// is left or its budget is spent. Real leaks are reported as fast as can be
// known:
//
//   - The repeated look is the cheap one (a goroutine profile, about 0.1 ms of
//     stopped world); the full traceback is taken only when there is
//     something to explain or to decide.
//   - Where the runtime has the goroutineleak profile, a survivor it proves
//     leaked (blocked on something nothing live can reach) will never finish,
//     so once every survivor is proven, waiting is pointless: the verdict
//     comes at once.

// Pauses between looks: they start short, since most goroutines finish
// within microseconds of being released, and double up to a cap, so a
// goroutine that finishes late is noticed soon after.
const (
	firstPause = 100 * time.Microsecond
	maxPause   = 25 * time.Millisecond
)

// looker is what a check looks at: the goroutines of one test (Check), or
// of the whole process (Find, VerifyNone, VerifyTestMain).
type looker interface {
	// over reports, from a cheap look, that nothing that could be a
	// survivor is alive, so the check is over; false means only a full
	// capture can tell.
	over() bool
	// survivors picks the goroutines to report from a full capture, tied to
	// their tests as far as possible.
	survivors(s *profile.Snapshot) []report.Leak
}

// verdict is the outcome of settling.
type verdict struct {
	// leaks are the survivors at the end; Goroutine.Leaked is set on those
	// the runtime proved leaked.
	leaks []report.Leak
	// orphans are the goroutines started outside any test that appeared
	// while several checks ran, as the rule of orphans.go placed them.
	orphans orphanVerdict
	// proofAvailable reports whether the runtime could prove leaks.
	proofAvailable bool
	// waited is how long settling took.
	waited time.Duration
}

// proofAttempt reports whether the look with index i (0 for the first)
// asks the leak detector for proof. Each ask costs a garbage collection (two
// after the first) and a traceback, so they are spread out: most leaked goroutines are
// blocked long before the check starts and are proven at the first ask; the
// later asks catch the ones that had not blocked yet.
func proofAttempt(i int) bool {
	return i == 0 || i == 2 || i == 8
}

// settle looks until no survivor is left, every survivor is proven leaked,
// or the budget is spent.
func settle(cfg *config, lk looker) (verdict, error) {
	start := time.Now()
	deadline := start.Add(cfg.settle)
	proof := profile.LeakProfileAvailable()
	v := verdict{proofAvailable: proof}
	done := func(leaks []report.Leak) (verdict, error) {
		v.leaks = leaks
		v.waited = time.Since(start)
		return v, nil
	}
	// Goroutines released by the test's last steps are usually one
	// scheduling turn from returning; letting them run first spares most
	// clean checks a second look.
	runtime.Gosched()
	pause := firstPause
	proofs := 0
	for i := 0; ; i++ {
		last := !time.Now().Before(deadline)
		askProof := proof && (last || proofAttempt(i))
		if lk.over() {
			return done(nil)
		}
		leaks, err := capture(cfg, lk)
		if err != nil {
			return v, err
		}
		if len(leaks) == 0 {
			return done(nil)
		}
		if askProof {
			// The first proof runs one collection; when it leaves a
			// survivor unproven, the later ones run a regular collection
			// first (see profile.CaptureProof).
			proven, err := cfg.look.proof(proofs > 0)
			proofs++
			if err != nil {
				return v, fmt.Errorf("asking the runtime which goroutines are leaked: %w", err)
			}
			// The proof's own traceback, taken after its collection, is
			// the look the verdict rests on: a goroutine created between
			// the first look and the proof (by a survivor that blocked for
			// good right after) is in it, a survivor the proof did not
			// prove, so the check waits.
			if leaks = lk.survivors(proven); len(leaks) == 0 {
				return done(nil)
			}
			if markLeaked(leaks, proven) == len(leaks) {
				last = true
			}
		}
		if last {
			return done(leaks)
		}
		time.Sleep(min(pause, time.Until(deadline)))
		pause = min(2*pause, maxPause)
	}
}

// capture takes a full capture and picks the survivors from it. A looker
// that kept the traceback of its cheap look (pendingLook) has it parsed
// instead of taking another.
func capture(cfg *config, lk looker) ([]report.Leak, error) {
	var s *profile.Snapshot
	var err error
	if p, ok := lk.(interface{ pendingLook() *profile.Look }); ok {
		if l := p.pendingLook(); l != nil {
			s, err = l.Snapshot()
		}
	}
	if s == nil && err == nil {
		s, err = cfg.look.full()
	}
	if err != nil {
		return nil, fmt.Errorf("capturing the goroutines: %w", err)
	}
	return lk.survivors(s), nil
}

// markLeaked marks the survivors the leak detector's snapshot lists as
// proven leaked, and returns how many survivors are marked.
//
// A marked survivor is shown as the proof saw it: its goroutine is replaced
// by the proof's, state and stack included, since the capture it came from
// may be older than the proof and show a state the goroutine has left. A
// goroutine running or runnable in the proof is never proven: the detector
// only proves goroutines blocked for good.
func markLeaked(leaks []report.Leak, proven *profile.Snapshot) int {
	leaked := make(map[int64]*profile.Goroutine, len(proven.Goroutines))
	for _, g := range proven.Goroutines {
		if g.Leaked && !isRunning(g) {
			leaked[g.ID] = g
		}
	}
	n := 0
	for i := range leaks {
		if p := leaked[leaks[i].Goroutine.ID]; p != nil {
			leaks[i].Goroutine = p
		}
		if leaks[i].Goroutine.Leaked && !isRunning(leaks[i].Goroutine) {
			n++
		} else {
			leaks[i].Goroutine.Leaked = false
		}
	}
	return n
}

// isRunning reports whether g was running or waiting to run when captured.
func isRunning(g *profile.Goroutine) bool {
	return g.State == "running" || g.State == "runnable"
}
