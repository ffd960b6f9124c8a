package stacks

import (
	"bytes"
	"testing"

	_ "github.com/leakhound/leakhound/internal/golden" // -update, taken by every test binary
)

// TestAllHoldsEveryGoroutine: with many goroutines alive, bigger than the
// first buffer, All holds every one's header.
func TestAllHoldsEveryGoroutine(t *testing.T) {
	const n = 2000
	stop := make(chan struct{})
	started := make(chan struct{}, n)
	for range n {
		go func() {
			started <- struct{}{}
			<-stop
		}()
	}
	for range n {
		<-started
	}
	defer close(stop)
	got := All()
	if len(got) <= 1<<16 {
		t.Fatalf("traceback of %d bytes, want more than the first buffer", len(got))
	}
	if c := bytes.Count(got, []byte("\ngoroutine ")) + 1; c < n {
		t.Errorf("%d goroutine headers, want at least %d", c, n)
	}
	if !bytes.HasSuffix(bytes.TrimRight(got, "\n"), []byte(")")) && !bytes.Contains(got[len(got)-200:], []byte(".go:")) {
		t.Errorf("the traceback is cut short: ends %q", got[len(got)-80:])
	}
}
