package watch

import "testing"

func TestRestarted(t *testing.T) {
	tests := []struct {
		name     string
		was, now int64
		down     bool
		want     bool
	}{
		{"IDs grew", 100, 140, false, false},
		{"a small fall, batches of the Ps", 140, 120, false, false},
		{"a small fall after the target was down", 140, 30, true, true},
		{"grew after the target was down", 140, 300, true, false},
		{"a large fall", 1_000_000, 40, false, true},
		{"first look", 0, 40, false, false},
	}
	for _, tt := range tests {
		if got := restarted(tt.was, tt.now, tt.down); got != tt.want {
			t.Errorf("%s: restarted(%d, %d, %v) = %v, want %v", tt.name, tt.was, tt.now, tt.down, got, tt.want)
		}
	}
}
