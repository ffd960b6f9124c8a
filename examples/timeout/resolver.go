// Package timeout shows a result channel abandoned after a timeout.
//
// A Resolver looks names up through a slow backend, and callers will not
// wait longer than a deadline. LeakyResolve runs the lookup in a goroutine
// and waits for its result or the deadline, whichever comes first. The
// result channel is unbuffered, so when the deadline wins, the lookup's
// goroutine later blocks on its send forever: the only receiver has gone.
// Resolve gives the channel a buffer of one, so the send always completes
// and the goroutine returns, whether anyone reads the result or not.
package timeout

import (
	"errors"
	"net/netip"
)

// Resolver looks up addresses with a deadline.
type Resolver struct {
	// Lookup asks the backend for name's address. It may be slow and does
	// not take a context (think of a legacy client library).
	Lookup func(name string) (netip.Addr, error)

	// testAbandon, when set, is handed the result channel LeakyResolve
	// abandons, so that this example's tests and the demo can free its
	// goroutine afterwards (see scenario.go). Real code has no such hook.
	testAbandon func(results chan lookupResult)
}

// ErrDeadline means the lookup did not answer in time.
var ErrDeadline = errors.New("lookup deadline exceeded")

type lookupResult struct {
	addr netip.Addr
	err  error
}
