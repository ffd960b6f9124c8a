package errgroupcancel

import (
	"context"

	"golang.org/x/sync/errgroup"
)

// Search queries every shard concurrently with an errgroup. The first
// shard to fail cancels the group's context, which every other shard's
// query watches, so they stop early; g.Wait() returns after all of them
// have returned, with the first error. Each goroutine writes only its own
// slot of perShard, so no channel is left for anyone to block on.
func (ix *Index) Search(ctx context.Context, term string) ([]Hit, error) {
	g, ctx := errgroup.WithContext(ctx)
	perShard := make([][]Hit, ix.Shards)
	for shard := range ix.Shards {
		g.Go(func() error {
			hits, err := ix.Query(ctx, shard, term)
			perShard[shard] = hits
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var all []Hit
	for _, hits := range perShard {
		all = append(all, hits...)
	}
	return sortHits(all), nil
}
