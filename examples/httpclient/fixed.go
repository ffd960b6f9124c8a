package httpclient

import (
	"fmt"
	"io"
	"net/http"
)

// drainLimit is how much of an unread body Healthy reads before closing
// it: a short body read to its end lets the connection be reused, a long
// one is cheaper to drop with its connection.
const drainLimit = 4 << 10

// Healthy reports whether url answers 200 OK, closing the response body on
// every path. The connection then goes back to the client's idle pool (or
// is closed), and its goroutines end when the client's idle connections
// are closed — see CloseIdleConnections.
func (c *Checker) Healthy(url string) (bool, error) {
	resp, err := c.Client.Get(url)
	if err != nil {
		return false, fmt.Errorf("probing %s: %w", url, err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
	return resp.StatusCode == http.StatusOK, nil
}

// CloseIdleConnections closes the client's idle keep-alive connections,
// ending their goroutines. Call it when the Checker is no longer needed
// (in a test: t.Cleanup(c.CloseIdleConnections)).
func (c *Checker) CloseIdleConnections() { c.Client.CloseIdleConnections() }
