package fromgoleak

import (
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/leakhound/leakhound/leakcheck"
)

// recorderLoop is the long-lived goroutine's top function, fully
// qualified, as both tools expect it.
const recorderLoop = "github.com/leakhound/leakhound/examples/usage/fromgoleak.(*Recorder).loop"

// TestMain is the "after" of the package doc: goleak.VerifyTestMain with
// its import changed.
func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m, leakcheck.IgnoreTopFunction(recorderLoop))
}

// TestRecord uses VerifyNone as goleak users write it. The first Record
// starts the default Recorder's loop, which IgnoreTopFunction accepts.
func TestRecord(t *testing.T) {
	defer leakcheck.VerifyNone(t, leakcheck.IgnoreTopFunction(recorderLoop))
	rec := Default()
	before := rec.Total()
	rec.Record("signup")
	deadline := time.Now().Add(10 * time.Second)
	for rec.Total() == before {
		if time.Now().After(deadline) {
			t.Fatal("the event was never counted")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestSameVerdictAsGoleak runs goleak.Find and leakcheck.Find side by side
// on the same situations, with the same options under the same names: they
// must agree on whether something leaked.
func TestSameVerdictAsGoleak(t *testing.T) {
	tests := []struct {
		name string
		// start begins the situation and returns a func that ends it.
		start     func() (stop func())
		wantLeaks bool
	}{
		{"nothing started", func() func() { return func() {} }, false},
		{"goroutine finished", func() func() {
			done := make(chan struct{})
			go close(done)
			<-done
			return func() {}
		}, false},
		{"goroutine blocked", func() func() {
			release := make(chan struct{})
			go func() { <-release }()
			return func() { close(release) }
		}, true},
		{"long-lived goroutine, ignored by its top function", func() func() {
			r := newRecorder() // started after the baseline: only the option spares it
			return func() { close(r.events) }
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lhBase, glBase := leakcheck.IgnoreCurrent(), goleak.IgnoreCurrent()
			stop := tt.start()
			defer stop()
			lhErr := leakcheck.Find(lhBase, leakcheck.IgnoreTopFunction(recorderLoop))
			glErr := goleak.Find(glBase, goleak.IgnoreTopFunction(recorderLoop))
			if (lhErr != nil) != tt.wantLeaks || (glErr != nil) != tt.wantLeaks {
				t.Errorf("want leaks: %v\nleakcheck.Find: %v\ngoleak.Find: %v", tt.wantLeaks, lhErr, glErr)
			}
		})
	}
}
