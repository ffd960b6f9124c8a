package errgroupcancel

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/leakhound/leakhound/examples/internal/leaktest"
	"github.com/leakhound/leakhound/leakcheck"
)

func TestLeakySearchLeaks(t *testing.T) {
	t.Parallel()
	leaktest.Leak(t, Scenario(), leaktest.Marked(t, "leaky.go", Shards-1))
}

func TestLeakySearchFailsCheck(t *testing.T) {
	t.Parallel()
	leaktest.CheckFails(t, Scenario(), leaktest.Marked(t, "leaky.go", Shards-1))
}

func TestSearch(t *testing.T) {
	t.Parallel()
	t.Run("one shard down cancels the others", func(t *testing.T) {
		t.Parallel()
		leakcheck.Check(t)
		// slow is never closed: the healthy shards return only because
		// the group's context is cancelled by shard 0's failure.
		slow := make(chan struct{})
		ix := &Index{Shards: Shards, Query: slowShards(slow)}
		hits, err := ix.Search(t.Context(), "invoice")
		if !errors.Is(err, ErrShardDown) || hits != nil {
			t.Errorf("Search = %v, %v; want nil, %v", hits, err, ErrShardDown)
		}
	})
	t.Run("all shards answer", func(t *testing.T) {
		t.Parallel()
		leakcheck.Check(t)
		slow := make(chan struct{})
		close(slow)
		healthy := slowShards(slow)
		ix := &Index{Shards: Shards, Query: func(ctx context.Context, shard int, term string) ([]Hit, error) {
			return healthy(ctx, shard+1, term) // shift so no shard is number 0, the failing one
		}}
		hits, err := ix.Search(t.Context(), "invoice")
		if err != nil {
			t.Fatal(err)
		}
		var shards []int
		for _, h := range hits {
			shards = append(shards, h.Shard)
		}
		if want := []int{1, 2, 3, 4}; !slices.Equal(shards, want) {
			t.Errorf("hits from shards %v, want %v (one each, in order)", shards, want)
		}
	})
}

// TestFixedVersionPassesCheck runs the fixed version through the leaky
// scenario's steps under leakcheck.Check.
func TestFixedVersionPassesCheck(t *testing.T) {
	t.Parallel()
	leaktest.FixedPasses(t, Scenario())
}
