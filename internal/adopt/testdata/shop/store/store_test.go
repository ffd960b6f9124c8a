package store

import "testing"

func TestGet(t *testing.T) {
	if got := fixture.Get("apple"); got != 3 {
		t.Fatalf("Get = %d, want 3", got)
	}
}
