// Package errgroupcancel shows fan-out work where one failure must stop the
// rest — done by hand and leaking, then done with errgroup and not.
//
// An Index is split into shards; a search asks every shard at once. The
// naive LeakySearch starts one goroutine per shard and returns on the
// first error — abandoning the other goroutines, which then block forever
// sending their results to a channel nobody reads. Search uses
// golang.org/x/sync/errgroup: errgroup.WithContext cancels the shared
// context as soon as one shard fails, every shard query watches that
// context, and g.Wait() returns only when all of them have returned.
package errgroupcancel

import (
	"context"
	"slices"
)

// Hit is one search result.
type Hit struct {
	Shard int    // the shard the document lives on
	Doc   string // the document's ID
}

// Index searches documents spread over shards.
type Index struct {
	// Shards is the number of shards.
	Shards int
	// Query searches one shard. It must return when ctx is cancelled.
	Query func(ctx context.Context, shard int, term string) ([]Hit, error)

	// testAbandon, when set, is handed the results channel LeakySearch
	// abandons, so that this example's tests and the demo can free its
	// goroutines afterwards (see scenario.go). Real code has no such hook.
	testAbandon func(results chan shardResult)
}

// shardResult is what one shard's goroutine reports.
type shardResult struct {
	hits []Hit
	err  error
}

// sortHits orders hits by shard, then document, so results do not depend
// on which shard answered first.
func sortHits(hits []Hit) []Hit {
	slices.SortFunc(hits, func(a, b Hit) int {
		if a.Shard != b.Shard {
			return a.Shard - b.Shard
		}
		switch {
		case a.Doc < b.Doc:
			return -1
		case a.Doc > b.Doc:
			return 1
		}
		return 0
	})
	return hits
}
