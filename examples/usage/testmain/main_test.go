package testmain

import (
	"testing"
	"time"

	"github.com/leakhound/leakhound/examples/usage"
	"github.com/leakhound/leakhound/leakcheck"
)

// TestMain runs the package's tests, then fails the run (exit code 1) if
// any goroutine they started is still alive, printing the report.
func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}

// The sweeper of a cache built on t.Context() ends with the test, so
// nothing is left for VerifyTestMain to report.
func TestCache(t *testing.T) {
	c := usage.New(t.Context(), time.Minute, time.Hour)
	c.Set("k", "v")
	if v, ok := c.Get("k"); !ok || v != "v" {
		t.Errorf("Get(k) = %q, %v", v, ok)
	}
}

// fakeM stands in for *testing.M: its Run is whatever the test says.
type fakeM struct{ run func() int }

func (m fakeM) Run() int { return m.run() }

// TestVerifyTestMainExitCode runs VerifyTestMain over a fake set of tests,
// with the Cleanup option catching the exit code in place of os.Exit: 0
// when the tests leave nothing behind, 1 when they leak (the report goes to
// standard error, as in a real run).
func TestVerifyTestMainExitCode(t *testing.T) {
	tests := []struct {
		name string
		leak bool
		want int
	}{
		{"clean", false, 0},
		{"leaky", true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			release := make(chan struct{})
			defer close(release)
			m := fakeM{run: func() int {
				if tt.leak {
					go func() { <-release }()
				}
				return 0
			}}
			got := -1
			leakcheck.VerifyTestMain(m, leakcheck.Cleanup(func(code int) { got = code }))
			if got != tt.want {
				t.Errorf("exit code %d, want %d", got, tt.want)
			}
		})
	}
}
