package httpclient

import (
	"fmt"
	"net/http"
)

// LeakyHealthy reports whether url answers 200 OK. It never closes the
// response body, so the connection's read and write loops wait for it
// forever — the read loop in net/http.(*persistConn).readLoop, not in this
// file: the line to fix is the missing defer resp.Body.Close() below.
func (c *Checker) LeakyHealthy(url string) (bool, error) {
	resp, err := c.Client.Get(url)
	if err != nil {
		return false, fmt.Errorf("probing %s: %w", url, err)
	}
	if c.testAbandon != nil {
		c.testAbandon(resp.Body)
	}
	return resp.StatusCode == http.StatusOK, nil
}
