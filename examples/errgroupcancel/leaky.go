package errgroupcancel

import "context"

// LeakySearch queries every shard concurrently and returns all hits, or
// the first error. On that error it returns at once: the other shards'
// goroutines are still working, and when they finish, each blocks on its
// unbuffered send because nobody reads results any more. Nothing tells
// them to stop early either — ctx is the caller's, never cancelled here.
func (ix *Index) LeakySearch(ctx context.Context, term string) ([]Hit, error) {
	results := make(chan shardResult)
	for shard := range ix.Shards {
		go func() {
			hits, err := ix.Query(ctx, shard, term)
			results <- shardResult{hits, err} // leak: blocks here
		}()
	}
	if ix.testAbandon != nil {
		ix.testAbandon(results)
	}
	var all []Hit
	for range ix.Shards {
		r := <-results
		if r.err != nil {
			return nil, r.err
		}
		all = append(all, r.hits...)
	}
	return sortHits(all), nil
}
