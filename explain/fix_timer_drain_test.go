package explain

import (
	"path/filepath"
	"testing"

	"github.com/leakhound/leakhound/internal/srcfile"
)

const drainSource = `package x

import "time"

func loop(t *time.Timer, reset, other chan struct{}) {
	for {
		select {
		case <-t.C:
		case <-reset:
			if !t.Stop() {
				<-t.C // mark:drain
			}
			t.Reset(time.Second)
		}
		if !t.Stop() {
			<-other // mark:other
		}
		<-t.C // mark:bare
	}
}
`

// TestStopDrain finds the drain of a timer after a failed Stop, and only
// that: a receive from another channel in the same if, or from the
// timer's channel outside one, is not it.
func TestStopDrain(t *testing.T) {
	path, m := writeSource(t, drainSource)
	f := newSourceCache(srcfile.New(filepath.Dir(path))).file(path)
	if f == nil {
		t.Fatal("source not read")
	}
	for mark, want := range map[string]string{"drain": "t", "other": "", "bare": ""} {
		s := f.locate(m[mark])
		if s == nil {
			t.Fatalf("%s: no site", mark)
		}
		if got := stopDrain(s); got != want {
			t.Errorf("%s: stopDrain %q, want %q", mark, got, want)
		}
	}
}
