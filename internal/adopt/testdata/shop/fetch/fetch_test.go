package fetch_test

import (
	"testing"

	"example.com/shop/fetch"
)

func TestFirstMirror(t *testing.T) {
	got := fetch.First(func() string { return "a" }, func() string { return "a" })
	if got != "a" {
		t.Fatalf("First = %q", got)
	}
}

func TestNothing(t *testing.T) {}
