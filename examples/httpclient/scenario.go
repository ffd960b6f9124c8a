package httpclient

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/report"
)

// Scenario describes this example for the tests and the demo: one probe
// of a healthy service, its body left open.
func Scenario() harness.Scenario {
	return harness.Scenario{
		Name:      "httpclient",
		Title:     "HTTP response body never closed",
		Reason:    report.ReasonSelect,
		PatternID: report.PatternHTTPClientConn,
		Leak:      leak,
		Fixed:     fixed,
	}
}

// healthHandler answers health probes with a short body.
func healthHandler(w http.ResponseWriter, _ *http.Request) {
	fmt.Fprintln(w, `{"status":"ok"}`)
}

// newServer starts a service with a health endpoint.
func newServer() *httptest.Server { return httptest.NewServer(http.HandlerFunc(healthHandler)) }

// newChecker returns a Checker with its own transport, so its connections
// are not shared with anything else in the process.
func newChecker() *Checker {
	return &Checker{Client: &http.Client{Transport: &http.Transport{}}}
}

// fixed probes the same service with Healthy, and closes the client's
// idle connections when done, as the Checker's owner should.
func fixed() (release func(), err error) {
	srv := newServer()
	defer srv.Close()
	c := newChecker()
	defer c.CloseIdleConnections()
	ok, err := c.Healthy(srv.URL + "/healthz")
	if err == nil && !ok {
		err = errors.New("the service reported unhealthy")
	}
	if err != nil {
		return nil, err
	}
	return func() {}, nil
}

// leak probes a service once with LeakyHealthy and shuts the service down;
// the client's connection goroutines stay. Release closes the body.
func leak() (release func(), err error) {
	srv := newServer()
	defer srv.Close()
	c := newChecker()
	var bodies []io.ReadCloser
	c.testAbandon = func(b io.ReadCloser) { bodies = append(bodies, b) }
	release = func() {
		for _, b := range bodies {
			b.Close()
		}
		c.CloseIdleConnections()
	}
	ok, err := c.LeakyHealthy(srv.URL + "/healthz")
	if err == nil && !ok {
		err = errors.New("the service reported unhealthy")
	}
	if err != nil {
		release()
		return nil, err
	}
	return release, nil
}
