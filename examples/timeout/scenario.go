package timeout

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/report"
)

// Scenario describes this example for the tests and the demo: a lookup
// that answers only after the caller's deadline.
func Scenario() harness.Scenario {
	return harness.Scenario{
		Name:      "timeout",
		Title:     "result channel abandoned after a timeout",
		Reason:    report.ReasonChanSend,
		PatternID: report.PatternSendNoReceiver,
		Leak:      leak,
		Fixed:     fixed,
	}
}

// leakWait is the scenario's deadline. The lookup answers only after the
// resolver has returned, so the deadline always wins however short it is.
const leakWait = 10 * time.Millisecond

// slowBackend returns a Lookup that answers once answer is closed.
func slowBackend(answer <-chan struct{}) func(string) (netip.Addr, error) {
	return func(string) (netip.Addr, error) {
		<-answer
		return netip.MustParseAddr("192.0.2.7"), nil
	}
}

// fixed runs Resolve against the same late backend.
func fixed() (release func(), err error) {
	answer := make(chan struct{})
	r := &Resolver{Lookup: slowBackend(answer)}
	_, err = r.Resolve("db.internal", leakWait)
	close(answer) // the late answer lands in the buffer
	if !errors.Is(err, ErrDeadline) {
		return nil, fmt.Errorf("Resolve returned %v, want %v", err, ErrDeadline)
	}
	return func() {}, nil
}

func leak() (release func(), err error) {
	answer := make(chan struct{})
	var results chan lookupResult
	r := &Resolver{Lookup: slowBackend(answer), testAbandon: func(c chan lookupResult) { results = c }}
	release = func() { <-results }
	_, err = r.LeakyResolve("db.internal", leakWait)
	close(answer) // the backend answers, too late
	if !errors.Is(err, ErrDeadline) {
		release()
		return nil, fmt.Errorf("LeakyResolve returned %v, want %v", err, ErrDeadline)
	}
	return release, nil
}
