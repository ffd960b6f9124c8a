// Package httpclient shows an HTTP client that never closes response
// bodies.
//
// A Checker probes the health endpoints of services. An HTTP/1.1 client
// connection is served by two goroutines of net/http — a read loop and a
// write loop — that live as long as the connection. LeakyHealthy looks at
// the status code and returns without closing the body: the transport
// cannot reuse or close the connection while its body is open, so both
// goroutines stay, one pair per call. Healthy closes the body (draining a
// little of it first, so the connection can be reused), and the owner of
// the client closes idle connections when done with it.
package httpclient

import (
	"io"
	"net/http"
)

// Checker probes health endpoints.
type Checker struct {
	// Client makes the requests.
	Client *http.Client

	// testAbandon, when set, is handed each response body LeakyHealthy
	// abandons, so that this example's tests and the demo can free the
	// connections afterwards (see scenario.go). Real code has no such hook.
	testAbandon func(body io.ReadCloser)
}
