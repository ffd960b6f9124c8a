package timeout

import (
	"fmt"
	"net/netip"
	"time"
)

// Resolve is LeakyResolve with a buffer of one on the result channel: the
// lookup's single send always completes, so its goroutine returns even
// when the caller has stopped waiting. The late result is simply dropped
// with the channel.
func (r *Resolver) Resolve(name string, wait time.Duration) (netip.Addr, error) {
	results := make(chan lookupResult, 1)
	go func() {
		addr, err := r.Lookup(name)
		results <- lookupResult{addr, err}
	}()
	select {
	case res := <-results:
		return res.addr, res.err
	case <-time.After(wait):
		return netip.Addr{}, fmt.Errorf("resolving %s: %w after %v", name, ErrDeadline, wait)
	}
}
