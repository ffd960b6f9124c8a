package watch

import "testing"

func TestRise(t *testing.T) {
	ramp := func(n, from, step int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = from + i*step
		}
		return out
	}
	bursts := func(n, base, peak int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = base
			if i%3 == 1 {
				out[i] = peak
			}
		}
		return out
	}
	withTail := func(s []int, tail ...int) []int { return append(s, tail...) }
	tests := []struct {
		name   string
		counts []int
		want   bool
	}{
		{"a leak: one more each look", ramp(60, 1, 1), true},
		{"a leak under request bursts", func() []int {
			s := ramp(40, 2, 1)
			for i := range s {
				if i%4 == 1 {
					s[i] += 80
				}
			}
			return s
		}(), true},
		{"steady", ramp(60, 12, 0), false},
		{"bursts that drain", bursts(60, 3, 90), false},
		{"bursts that drain, the last look mid-burst", withTail(bursts(30, 3, 90), 90, 95), false},
		{"a pool that filled once, early", withTail([]int{0, 0, 50}, ramp(40, 50, 0)...), false},
		{"too few looks", []int{1, 2, 3}, false},
		{"below the minimum", ramp(40, 0, 0)[:0], false},
		{"rises but stays under -min", withTail(ramp(30, 1, 0), 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3), false},
		{"a slow leak on a big steady count", ramp(60, 1000, 3), true},
		{"draining slowly", ramp(60, 100, -1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, got := rise(tt.counts, 5, 0.1)
			if got != tt.want {
				t.Errorf("rise(%v) = %+v, %v; want growing %v", tt.counts, r, got, tt.want)
			}
		})
	}
}

func TestParseVerdict(t *testing.T) {
	for _, v := range []Verdict{Stable, Growing, Proven} {
		got, err := ParseVerdict(v.String())
		if err != nil || got != v {
			t.Errorf("ParseVerdict(%q) = %v, %v", v.String(), got, err)
		}
	}
	if _, err := ParseVerdict("leaky"); err == nil {
		t.Error("ParseVerdict(leaky) did not fail")
	}
}
