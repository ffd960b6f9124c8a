// Package consulesmshutdownwait reproduces a goroutine leak fixed in
// HashiCorp's Consul External Service Monitor
// (https://github.com/hashicorp/consul-esm/pull/196, issue
// https://github.com/hashicorp/consul-esm/issues/194).
//
// Each blocking query for health checks made a cancellable context and
// started a goroutine that cancelled it when the agent shut down. On the
// usual path, where the query simply returns, nothing ended that
// goroutine: it waited for the agent's shutdown, one more per query. The
// fix cancels the context when the query returns and has the goroutine
// also return when the context is done.
package consulesmshutdownwait

import "context"

// Agent watches Consul for the checks it runs.
type Agent struct {
	shutdownCh chan struct{}
}

// Shutdown stops the agent.
func (a *Agent) Shutdown() {
	close(a.shutdownCh)
}

// getHealthChecks runs one blocking query, cut short if the agent shuts
// down.
func (a *Agent) getHealthChecks(query func(context.Context) ([]string, error)) ([]string, error) {
	ctx, cancelFunc := context.WithCancel(context.Background())
	go func() {
		<-a.shutdownCh
		cancelFunc()
	}()
	return query(ctx)
}

// Run runs one query that returns normally.
func Run() {
	a := &Agent{shutdownCh: make(chan struct{})}
	_, _ = a.getHealthChecks(func(context.Context) ([]string, error) {
		return []string{"service:web"}, nil
	})
}
