package leakcheck_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/leakhound/leakhound/leakcheck"
)

// The goleak-compatible functions are run side by side with goleak's on the
// same scenarios: both must find a leak, or both must pass. These tests
// look at the whole process, as goleak does, so they never run in parallel
// and ignore what was running before each scenario.

// scenario sets up goroutines and returns what releases them.
type scenario struct {
	name  string
	start func() (release func())
	// ours and theirs are the options of each library for the scenario.
	ours   []leakcheck.Option
	theirs []goleak.Option
	found  bool // whether both must report goroutines
}

// parityBudget keeps our leaking scenarios short; goleak's retries take
// their own, fixed time.
const parityBudget = 100 * time.Millisecond

func parityScenarios() []scenario {
	const top = "github.com/leakhound/leakhound/interop/leakcheck_test.park.func1"
	return []scenario{
		{name: "nothing running", start: func() func() { return func() {} }},
		{name: "one goroutine blocked", start: func() func() { return park().stop }, found: true},
		{
			name: "a goroutine that finishes soon",
			start: func() func() {
				p := park()
				timer := time.AfterFunc(10*time.Millisecond, func() { close(p.release) })
				return func() { timer.Stop(); <-p.done }
			},
			ours: []leakcheck.Option{leakcheck.SettleBudget(leakcheck.DefaultSettleBudget)},
		},
		{
			name:   "top function ignored",
			start:  func() func() { return park().stop },
			ours:   []leakcheck.Option{leakcheck.IgnoreTopFunction(top)},
			theirs: []goleak.Option{goleak.IgnoreTopFunction(top)},
		},
		{
			name:   "another top function ignored",
			start:  func() func() { return park().stop },
			ours:   []leakcheck.Option{leakcheck.IgnoreTopFunction("example.com/other.f")},
			theirs: []goleak.Option{goleak.IgnoreTopFunction("example.com/other.f")},
			found:  true,
		},
		{
			name:   "function anywhere in the stack ignored",
			start:  func() func() { return park().stop },
			ours:   []leakcheck.Option{leakcheck.IgnoreAnyFunction(top)},
			theirs: []goleak.Option{goleak.IgnoreAnyFunction(top)},
		},
		{
			name:   "another function ignored",
			start:  func() func() { return park().stop },
			ours:   []leakcheck.Option{leakcheck.IgnoreAnyFunction("example.com/other.f")},
			theirs: []goleak.Option{goleak.IgnoreAnyFunction("example.com/other.f")},
			found:  true,
		},
	}
}

// ourOptions and theirOptions ignore what runs before a scenario starts,
// so only the scenario's goroutines can be found. The two libraries take
// turns, each on a fresh run of the scenario, so neither sees the other.
func ourOptions(sc scenario) []leakcheck.Option {
	return append([]leakcheck.Option{leakcheck.IgnoreCurrent(), leakcheck.SettleBudget(parityBudget)}, sc.ours...)
}

func theirOptions(sc scenario) []goleak.Option {
	return append([]goleak.Option{goleak.IgnoreCurrent()}, sc.theirs...)
}

func TestFindLikeGoleak(t *testing.T) {
	for _, sc := range parityScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			ours := ourOptions(sc)
			release := sc.start()
			ourErr := leakcheck.Find(ours...)
			release()

			theirs := theirOptions(sc)
			release = sc.start()
			theirErr := goleak.Find(theirs...)
			release()

			if (ourErr != nil) != sc.found || (theirErr != nil) != sc.found {
				t.Fatalf("want found=%v; leakcheck: %v; goleak: %v", sc.found, ourErr, theirErr)
			}
			if ourErr != nil {
				var le *leakcheck.LeakError
				if !errors.As(ourErr, &le) || le.Report.Total != 1 {
					t.Fatalf("want a *LeakError for one goroutine, got %v", ourErr)
				}
			}
		})
	}
}

// recordingT records Error calls, as a TestingT for VerifyNone.
type recordingT struct {
	mu     sync.Mutex
	errors []string
}

func (r *recordingT) Error(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprint(args...))
}

func (r *recordingT) failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errors) > 0
}

func TestVerifyNoneLikeGoleak(t *testing.T) {
	for _, sc := range parityScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			var ourT, theirT recordingT
			ourCode, theirCode := -1, -1
			ours := append(ourOptions(sc), leakcheck.Cleanup(func(code int) { ourCode = code }))
			release := sc.start()
			leakcheck.VerifyNone(&ourT, ours...)
			release()

			theirs := append(theirOptions(sc), goleak.Cleanup(func(code int) { theirCode = code }))
			release = sc.start()
			goleak.VerifyNone(&theirT, theirs...)
			release()

			if ourT.failed() != sc.found || theirT.failed() != sc.found {
				t.Fatalf("want failed=%v; leakcheck: %q; goleak: %q", sc.found, ourT.errors, theirT.errors)
			}
			if ourCode != 0 || theirCode != 0 {
				t.Fatalf("Cleanup got %d (leakcheck) and %d (goleak), want 0 for both", ourCode, theirCode)
			}
		})
	}
}

func TestFindRefusesCleanupLikeGoleak(t *testing.T) {
	ourErr := leakcheck.Find(leakcheck.Cleanup(func(int) {}))
	theirErr := goleak.Find(goleak.Cleanup(func(int) {}))
	if ourErr == nil || theirErr == nil {
		t.Fatalf("both must refuse Cleanup; leakcheck: %v; goleak: %v", ourErr, theirErr)
	}
	if !strings.Contains(ourErr.Error(), "Cleanup") {
		t.Fatalf("the error does not say what was refused: %v", ourErr)
	}
}

// fakeM runs a function as its tests and returns a chosen exit code.
type fakeM struct {
	run  func()
	code int
}

func (m fakeM) Run() int { m.run(); return m.code }

func TestVerifyTestMainLikeGoleak(t *testing.T) {
	tests := []struct {
		name      string
		leak      bool
		testsCode int
		wantCode  int
	}{
		{"tests pass, nothing leaks", false, 0, 0},
		{"tests pass, a goroutine leaks", true, 0, 1},
		{"tests fail, nothing leaks", false, 1, 1},
		{"tests fail, a goroutine leaks", true, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stops []func()
			defer func() {
				for _, stop := range stops {
					stop()
				}
			}()
			m := fakeM{code: tt.testsCode, run: func() {
				if tt.leak {
					stops = append(stops, park().stop)
				}
			}}
			release := func() {
				for _, stop := range stops {
					stop()
				}
				stops = nil
			}
			ourCode, theirCode := -1, -1
			leakcheck.VerifyTestMain(m, leakcheck.IgnoreCurrent(), leakcheck.SettleBudget(parityBudget), leakcheck.Cleanup(func(c int) { ourCode = c }))
			release()
			goleak.VerifyTestMain(m, goleak.IgnoreCurrent(), goleak.Cleanup(func(c int) { theirCode = c }))
			release()
			if ourCode != tt.wantCode || theirCode != tt.wantCode {
				t.Fatalf("exit codes: leakcheck %d, goleak %d; want %d", ourCode, theirCode, tt.wantCode)
			}
		})
	}
}

// parked is a goroutine blocked on a channel until released.
type parked struct {
	release chan struct{}
	done    chan struct{}
}

// park starts a goroutine that blocks until released. Every scenario that
// leaks uses this one go statement, so the top function the ignore options
// name is the same in every scenario.
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
