package watch

import "fmt"

// Verdict is what a watch concludes about a group. Larger is worse.
type Verdict int

// The verdicts, from the mildest.
const (
	// Stable: neither proven leaked nor growing.
	Stable Verdict = iota
	// Growing: the group's floor rose on some target beyond Options.Min
	// and Options.Growth; likely a leak, not a proof.
	Growing
	// Proven: the runtime's leak profile marked goroutines of the group
	// leaked: nothing live can ever unblock them.
	Proven
)

// verdictNames is the one list of the verdicts' names, read by String,
// ParseVerdict and the JSON form.
var verdictNames = [...]string{Stable: "stable", Growing: "growing", Proven: "proven"}

// String returns "stable", "growing" or "proven".
func (v Verdict) String() string {
	if v < 0 || int(v) >= len(verdictNames) {
		return fmt.Sprintf("Verdict(%d)", int(v))
	}
	return verdictNames[v]
}

// MarshalText writes the verdict's name, for JSON.
func (v Verdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// ParseVerdict reads a verdict's name, as String writes it.
func ParseVerdict(s string) (Verdict, error) {
	for v, name := range verdictNames {
		if s == name {
			return Verdict(v), nil
		}
	}
	return 0, fmt.Errorf("%q is not a verdict (they are %s, %s, %s)", s, verdictNames[Stable], verdictNames[Growing], verdictNames[Proven])
}

// minLooks is how many looks a series needs before it can be Growing:
// fewer cannot tell a rise that stays from a burst.
const minLooks = 4

// Rise is how a group's floor moved on one target over its epoch.
type Rise struct {
	// From is the floor at the first look, To where it stands now (at
	// the end of the part of the series the fit trusts).
	From, To int
}

// rise fits a series of counts, one per look (or per bucket, its
// smallest): it takes the floor at each point — the smallest count from
// that point to the end — which goroutines that a burst started and that
// later ended never raise. The last quarter of the series only bounds the
// floor from above: a burst still running at the end could otherwise pass
// for a rise. The floor must have risen to at least minCount, by at least
// growth times where it started (and at least one goroutine), and still
// be rising in the second half, so a pool that filled once early is not
// taken for a leak.
func rise(counts []int, minCount int, growth float64) (Rise, bool) {
	n := len(counts)
	if n < minLooks {
		return Rise{}, false
	}
	floor := make([]int, n)
	floor[n-1] = counts[n-1]
	for i := n - 2; i >= 0; i-- {
		floor[i] = min(counts[i], floor[i+1])
	}
	end := n - 1 - max(1, n/4)
	r := Rise{From: floor[0], To: floor[end]}
	up := r.To - r.From
	ok := up >= 1 && r.To >= minCount && float64(up) >= growth*float64(max(r.From, 1)) && floor[end] > floor[end/2]
	return r, ok
}
