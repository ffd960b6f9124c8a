package leakcheck_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/leakhound/leakhound/leakcheck"
)

// A test that checks its own goroutines. It can run in parallel with any
// other test: only goroutines this test started count.
func ExampleCheck() {
	testServer := func(t *testing.T) {
		leakcheck.Check(t)
		t.Parallel()

		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "ok")
		}))
		t.Cleanup(srv.Close) // runs before the check, so the server's goroutines are gone

		resp, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		// Without this Close, the keep-alive connection's goroutines would
		// leak, and the check would fail the test and say so.
		resp.Body.Close()
	}
	_ = testServer
}

// Subtests checked one by one: each owns the goroutines it starts.
func ExampleWrap() {
	testCache := func(t *testing.T) {
		t.Run("warm", leakcheck.Wrap(func(t *testing.T) {
			done := make(chan struct{})
			go func() { close(done) }()
			<-done
		}))
	}
	_ = testCache
}

// TestMain that fails the package's test run if any goroutine outlives
// its tests, naming the test that started it.
func ExampleVerifyTestMain() {
	testMain := func(m *testing.M) {
		leakcheck.VerifyTestMain(m)
	}
	_ = testMain
}

// Find, as in goleak, returns an error when goroutines are still running;
// errors.As reaches the report behind it.
func ExampleFind() {
	// Goroutines other tests of this binary left behind are not this
	// example's business: IgnoreCurrent, taken first, leaves them out.
	earlier := leakcheck.IgnoreCurrent()
	stop := make(chan struct{})
	go func() { <-stop }()

	err := leakcheck.Find(earlier, leakcheck.SettleBudget(0))
	var leak *leakcheck.LeakError
	if errors.As(err, &leak) {
		fmt.Println("goroutines still running:", leak.Report.Total)
	}

	close(stop)
	fmt.Println("after the fix:", leakcheck.Find(earlier))
	// Output:
	// goroutines still running: 1
	// after the fix: <nil>
}
