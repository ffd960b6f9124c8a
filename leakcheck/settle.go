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
			// first (see profile.ProveLeaks).
			agg, err := cfg.look.proof(proofs > 0)
			proofs++
			if err != nil {
				return v, fmt.Errorf("asking the runtime which goroutines are leaked: %w", err)
			}
			if c, ok := lk.(countProver); ok && c.allProven(agg, leaks) {
				for i := range leaks {
					leaks[i].Goroutine.Leaked = true
				}
				return done(leaks)
			}
			// Look again after the proof: its traceback marks the
			// goroutines proven leaked, and a goroutine created between
			// the first look and the proof (by a survivor that blocked for
			// good right after) is in it, a survivor the proof did not
			// prove, so the check waits.
			if leaks, err = capture(cfg, lk); err != nil {
				return v, err
			}
			if len(leaks) == 0 {
				return done(nil)
			}
			if markLeaked(leaks) == len(leaks) {
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

// countProver is a looker that can tell, from the proof's aggregated
// records alone, that every survivor of its latest look is proven leaked,
// sparing the look after the proof.
type countProver interface {
	allProven(agg *profile.Snapshot, leaks []report.Leak) bool
}

// markLeaked counts the survivors proven leaked: those the capture taken
// after the proof marks "(leaked)" and does not show running (the detector
// only proves goroutines blocked for good). A mark on a running goroutine
// is cleared.
func markLeaked(leaks []report.Leak) int {
	n := 0
	for i := range leaks {
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
