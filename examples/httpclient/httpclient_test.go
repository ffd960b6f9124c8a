package httpclient

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/examples/internal/leaktest"
	"github.com/leakhound/leakhound/leakcheck"
	"github.com/leakhound/leakhound/profile"
)

// The leaked goroutines block inside net/http, not in this example's
// source, so the expected place is named by function rather than marker.
var connLoops = []string{"net/http.(*persistConn).readLoop", "net/http.(*persistConn).writeLoop"}

func TestLeakyHealthyLeaks(t *testing.T) {
	t.Parallel()
	s := Scenario()
	run, err := harness.Start(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := run.Release(); err != nil {
			t.Error(err)
		}
	})
	gs, err := run.Settle(leaktest.SettleBudget, func(_, cur []*profile.Goroutine) bool {
		// Both loops, and nothing else: the dialer and the server's
		// goroutines may take a moment to finish.
		return len(blockedIn(cur)) == len(connLoops) && len(cur) == len(connLoops)
	})
	if err != nil {
		t.Fatal(err)
	}
	rep := run.Report(gs)
	if rep.Total != len(connLoops) {
		t.Errorf("the report counts %d goroutines, want %d (one connection's loops):\n%s", rep.Total, len(connLoops), leaktest.Text(rep))
	}
	for _, g := range rep.Groups {
		if g.Diagnosis.PatternID != s.PatternID {
			t.Errorf("group in %s: pattern %q, want %q", g.Block.Func, g.Diagnosis.PatternID, s.PatternID)
		}
	}
	// The read loop waits in a select for the body to be read or closed.
	for _, g := range rep.Groups {
		if g.Block.Func == connLoops[0] && g.Reason != s.Reason {
			t.Errorf("read loop: reason %q, want %q", g.Reason, s.Reason)
		}
	}
}

// blockedIn returns, of connLoops, those some goroutine of gs is in.
func blockedIn(gs []*profile.Goroutine) map[string]bool {
	in := make(map[string]bool)
	for _, g := range gs {
		for _, f := range g.Frames {
			for _, loop := range connLoops {
				if f.Func == loop {
					in[loop] = true
				}
			}
		}
	}
	return in
}

func TestLeakyHealthyFailsCheck(t *testing.T) {
	t.Parallel()
	msg := leaktest.CheckFails(t, Scenario(), nil)
	if !strings.Contains(msg, "readLoop") {
		t.Errorf("leakcheck's failure does not name the connection's read loop:\n%s", msg)
	}
}

func TestHealthy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		want   bool
	}{
		{"healthy", http.StatusOK, true},
		{"unavailable", http.StatusServiceUnavailable, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			leakcheck.Check(t)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				w.Write([]byte(strings.Repeat("status\n", 100)))
			}))
			t.Cleanup(srv.Close)
			c := newChecker()
			t.Cleanup(c.CloseIdleConnections)
			for range 3 { // reused connection: still one pair of loops, closed at the end
				got, err := c.Healthy(srv.URL + "/healthz")
				if err != nil || got != tt.want {
					t.Errorf("Healthy = %v, %v; want %v", got, err, tt.want)
				}
			}
		})
	}
}

// TestFixedVersionPassesCheck runs the fixed version through the leaky
// scenario's steps under leakcheck.Check.
func TestFixedVersionPassesCheck(t *testing.T) {
	t.Parallel()
	leaktest.FixedPasses(t, Scenario())
}
