package errgroupcancel

import (
	"context"
	"errors"
	"fmt"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/report"
)

// Shards is the number of shards the scenario searches; all but the failing
// one leak.
const Shards = 4

// ErrShardDown is the error of the scenario's failing shard.
var ErrShardDown = errors.New("shard 0: connection refused")

// Scenario describes this example for the tests and the demo: a search
// over four shards, one of which is down.
func Scenario() harness.Scenario {
	return harness.Scenario{
		Name:      "errgroupcancel",
		Title:     "fan-out that returns on the first error, abandoning the rest",
		Reason:    report.ReasonChanSend,
		PatternID: report.PatternSendNoReceiver,
		Leak:      leak,
		Fixed:     fixed,
	}
}

// slowShards returns a Query whose shard 0 fails at once and whose other
// shards answer when slow is closed — or stop when their context is
// cancelled, as a well-behaved client does.
func slowShards(slow <-chan struct{}) func(context.Context, int, string) ([]Hit, error) {
	return func(ctx context.Context, shard int, term string) ([]Hit, error) {
		if shard == 0 {
			return nil, ErrShardDown
		}
		select {
		case <-slow:
			return []Hit{{Shard: shard, Doc: fmt.Sprintf("doc-%d-%s", shard, term)}}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// fixed runs Search over the same shards: shard 0's failure cancels the
// slow ones, which never answer otherwise.
func fixed() (release func(), err error) {
	ix := &Index{Shards: Shards, Query: slowShards(make(chan struct{}))}
	if _, err := ix.Search(context.Background(), "invoice"); !errors.Is(err, ErrShardDown) {
		return nil, fmt.Errorf("Search returned %v, want %v", err, ErrShardDown)
	}
	return func() {}, nil
}

// leak runs LeakySearch with a context nobody cancels; once it has returned
// the failure, the slow shards answer and get stuck sending. Release reads
// their results.
func leak() (release func(), err error) {
	slow := make(chan struct{})
	var results chan shardResult
	ix := &Index{Shards: Shards, Query: slowShards(slow), testAbandon: func(r chan shardResult) { results = r }}
	release = func() {
		for range Shards - 1 {
			<-results
		}
	}
	_, err = ix.LeakySearch(context.Background(), "invoice")
	close(slow) // the slow shards answer, to no one
	if !errors.Is(err, ErrShardDown) {
		release()
		return nil, fmt.Errorf("LeakySearch returned %v, want %v", err, ErrShardDown)
	}
	return release, nil
}
