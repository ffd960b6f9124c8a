package words

import (
	"strconv"
	"testing"

	_ "github.com/leakhound/leakhound/internal/golden" // -update, taken by every test binary
)

func TestPlural(t *testing.T) {
	tests := []struct {
		n    int
		noun string
		want string
	}{
		{0, "goroutine", "0 goroutines"},
		{1, "goroutine", "1 goroutine"},
		{2, "group", "2 groups"},
		{-1, "test", "-1 tests"},
		{100000, "goroutine", "100000 goroutines"},
	}
	for _, tt := range tests {
		if got := Plural(tt.n, tt.noun); got != tt.want {
			t.Errorf("Plural(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
		if got := strconv.Itoa(tt.n) + " " + tt.noun + PluralSuffix(tt.n); got != tt.want {
			t.Errorf("PluralSuffix(%d) makes %q, want %q", tt.n, got, tt.want)
		}
	}
}
