package leakcheck

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/report"
)

// Goroutines started outside any test.
//
// Labels and creator chains tie a goroutine to the test whose goroutine
// started it. Some goroutines have no such chain: the runtime's timer starts
// the function of time.AfterFunc (and so the function of context.AfterFunc
// when a deadline passes), finalizers and cleanups run on the runtime's own
// goroutine, and a goroutine whose creator lost the label and has returned
// shows no creator at all. Such an orphan, new since Check, is judged by
// which checks were running while it could have appeared:
//
//   - When no other check ran at any moment between this Check and its
//     verdict, the orphan appeared while this test alone was checked: it is
//     this test's, and fails it (attribution "alone").
//   - When other checks overlapped (parallel tests), nothing shows which of
//     them started it. It fails none of them, so no test is blamed for
//     another's goroutine; it is not dropped either: every overlapping check
//     that sees it new shows it in its test's log, naming the tests it
//     overlapped, and VerifyTestMain reports it at the end if it is still
//     there.

// overlaps records which checks run at the same time as which.
type overlaps struct {
	mu      sync.Mutex
	running map[*testCheck]bool
}

// checks is the process's record: checks of parallel tests share it, which
// is its purpose; every access holds its lock.
var checks = &overlaps{running: make(map[*testCheck]bool)}

// enter records tc as running, overlapping every check running now.
func (o *overlaps) enter(tc *testCheck) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for other := range o.running {
		other.overlapped = append(other.overlapped, tc.test)
		tc.overlapped = append(tc.overlapped, other.test)
	}
	o.running[tc] = true
}

// leave records that tc has reached its verdict.
func (o *overlaps) leave(tc *testCheck) {
	o.mu.Lock()
	defer o.mu.Unlock()
	delete(o.running, tc)
}

// alongside returns the tests whose checks have overlapped tc so far,
// sorted and without repeats.
func (o *overlaps) alongside(tc *testCheck) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	names := slices.Clone(tc.overlapped)
	slices.Sort(names)
	return slices.Compact(names)
}

// placeOrphans applies the rule above to the survivors of a check: orphans
// stay among the leaks, tied to the test, when it ran alone, and move to
// shared otherwise.
func placeOrphans(leaks []report.Leak, alone bool) (kept, shared []report.Leak) {
	for _, l := range leaks {
		if l.Attribution != byOrphan {
			kept = append(kept, l)
			continue
		}
		if alone {
			l.Attribution = byAlone
			kept = append(kept, l)
		} else {
			l.Attribution = ""
			shared = append(shared, l)
		}
	}
	return kept, shared
}

// sharedNote says why n orphans seen by a check that overlapped the checks
// of tests fail none of them.
func sharedNote(n int, tests []string) string {
	what := "1 goroutine"
	if n != 1 {
		what = fmt.Sprintf("%d goroutines", n)
	}
	return fmt.Sprintf("%s started outside any test's goroutines (by a timer, a finalizer, or a goroutine that has returned) appeared while this test ran alongside %s; "+
		"they fail no test, since which of these tests started them cannot be shown. Run the test alone (-run) to have them fail it, or use VerifyTestMain to catch them at the end.",
		what, strings.Join(tests, ", "))
}
