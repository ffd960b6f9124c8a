package leaky

import (
	"io"
	"net/http"
	"net/http/httptest"
)

// HandlerIgnoresContext serves a request whose handler waits for a job
// result without watching r.Context(). It returns once the request is in
// the handler.
func HandlerIgnoresContext() (release func(), err error) {
	done := make(chan string)
	inHandler := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(inHandler)
		res := <-done // leak:here LH006
		io.WriteString(w, res)
	}))
	client := srv.Client()
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		if resp, err := client.Get(srv.URL); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	<-inHandler
	return func() {
		close(done)
		<-finished
		client.CloseIdleConnections()
		srv.Close()
	}, nil
}

// BodyNotClosed makes a request and drops the response without closing its
// body, keeping the client connection's goroutines alive.
func BodyNotClosed() (release func(), err error) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello")
	}))
	client := srv.Client()
	resp, err := client.Get(srv.URL)
	if err != nil {
		srv.Close()
		return nil, err
	}
	return func() {
		resp.Body.Close()
		client.CloseIdleConnections()
		srv.Close()
	}, nil
}

// ServerNotClosed starts a test server and never closes it.
func ServerNotClosed() (release func()) {
	srv := httptest.NewServer(http.NotFoundHandler())
	return srv.Close
}
