package watch_test

import (
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/leakhound/leakhound/internal/testservice"
)

const (
	goWithout = testservice.GoWithout
	goWith    = testservice.GoWith
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(fleetEnv); spec != "" {
		os.Exit(serveFleet(spec))
	}
	code := m.Run()
	testservice.Cleanup()
	os.Exit(code)
}

// service wraps testservice.Service with a Get that fails the test.
type service struct{ *testservice.Service }

func startService(t *testing.T, toolchain, mode, addr string) *service {
	t.Helper()
	return &service{testservice.Start(t, toolchain, mode, addr)}
}

func (s *service) get(t *testing.T, path string) {
	t.Helper()
	if err := s.Get(path); err != nil {
		t.Fatal(err)
	}
}

func (s *service) stop() { s.Stop() }

// churn makes the process start n goroutines and let them end: n requests
// on new connections, each served on a goroutine of its own. Goroutine IDs
// grow in batches per P, so a test of restart detection first makes the
// old process's IDs clearly higher than a new process starts with.
func (s *service) churn(t *testing.T, n int) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for range n {
		resp, err := c.Get(s.URL + "/drain")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
}

// drive calls f before each of n looks.
func drive(t *testing.T, look func(context.Context) error, n int, f func(i int)) {
	t.Helper()
	for i := range n {
		f(i)
		if err := look(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}
