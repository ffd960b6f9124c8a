package watch_test

import (
	"context"
	"os"
	"testing"

	"github.com/leakhound/leakhound/internal/testservice"
)

const (
	goWithout = testservice.GoWithout
	goWith    = testservice.GoWith
)

func TestMain(m *testing.M) {
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
