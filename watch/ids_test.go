package watch

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestIDList encodes random ascending ID sets, near and far apart, and
// checks that they read back whole and that common counts what two sets
// share, as a plain comparison of the IDs does.
func TestIDList(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	set := func(n int, spread int64) []int64 {
		seen := map[int64]bool{}
		for len(seen) < n {
			seen[1+r.Int64N(spread)] = true
		}
		out := make([]int64, 0, n)
		for id := range seen {
			out = append(out, id)
		}
		slices.Sort(out)
		return out
	}
	for _, spread := range []int64{100, 10_000, 1 << 40} {
		for range 20 {
			a, b := set(r.IntN(50), spread), set(r.IntN(50)+1, spread)
			ra := idReader{l: encodeIDs(a)}
			var back []int64
			for id, ok := ra.next(); ok; id, ok = ra.next() {
				back = append(back, id)
			}
			if !slices.Equal(back, a) {
				t.Fatalf("%v read back as %v", a, back)
			}
			want := 0
			for _, id := range b {
				if _, found := slices.BinarySearch(a, id); found {
					want++
				}
			}
			if got := common(encodeIDs(a), encodeIDs(b)); got != want {
				t.Errorf("common(%v, %v) = %d, want %d", a, b, got, want)
			}
		}
	}
	if l := encodeIDs(set(1000, 2000)); len(l) > 1000 {
		t.Errorf("1,000 IDs among 2,000 take %d bytes: more than one each", len(l))
	}
}
