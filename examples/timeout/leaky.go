package timeout

import (
	"fmt"
	"net/netip"
	"time"
)

// LeakyResolve returns name's address, or ErrDeadline after wait. When the
// deadline wins, nobody will ever receive from results, and the lookup's
// goroutine blocks on its send for good once the backend answers.
func (r *Resolver) LeakyResolve(name string, wait time.Duration) (netip.Addr, error) {
	results := make(chan lookupResult)
	if r.testAbandon != nil {
		r.testAbandon(results)
	}
	go func() {
		addr, err := r.Lookup(name)
		results <- lookupResult{addr, err} // leak: blocks here
	}()
	select {
	case res := <-results:
		return res.addr, res.err
	case <-time.After(wait):
		return netip.Addr{}, fmt.Errorf("resolving %s: %w after %v", name, ErrDeadline, wait)
	}
}
