package httphandler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/report"
)

// Scenario describes this example for the tests and the demo: a client
// that gives up on LeakyReport while its render is still queued.
func Scenario() harness.Scenario {
	return harness.Scenario{
		Name:      "httphandler",
		Title:     "HTTP handler waiting without watching r.Context()",
		Reason:    report.ReasonChanReceive,
		PatternID: report.PatternHTTPHandlerCtx,
		Leak:      func() (func(), error) { return leak(func(s *Server) http.HandlerFunc { return s.LeakyReport }) },
		Fixed:     func() (func(), error) { return leak(func(s *Server) http.HandlerFunc { return s.Report }) },
		// The handlers, not the server and renderer around them.
		Keep: harness.InFunc("httphandler.(*Server)."),
	}
}

// leak serves handler with a renderer stuck on its first render, sends one
// request, and cancels it once the render has started — a client that
// timed out. It returns a release func that lets the render finish and
// shuts everything down.
func leak(handler func(*Server) http.HandlerFunc) (release func(), err error) {
	gate := make(chan struct{})
	started := make(chan struct{}, 1)
	renderer := NewRenderer(func(name string) []byte {
		started <- struct{}{}
		<-gate // a slow render engine
		return []byte("%PDF " + name)
	}, 4)
	stopRenderer, rendererDone := runRenderer(renderer)
	srv := httptest.NewServer(handler(&Server{Renderer: renderer}))
	client := &http.Client{Transport: &http.Transport{}}
	release = func() {
		close(gate)
		srv.Close()
		stopRenderer()
		<-rendererDone
		client.CloseIdleConnections()
	}

	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/report?name=q3", nil)
	if err != nil {
		cancel()
		release()
		return nil, fmt.Errorf("building the request: %w", err)
	}
	answered := make(chan error, 1)
	go func() {
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		answered <- err
	}()
	select {
	case <-started: // the handler has queued the render and is waiting
	case err := <-answered:
		cancel()
		release()
		return nil, fmt.Errorf("the request was answered before its render started (err: %v)", err)
	}
	cancel() // the client gives up
	if err := <-answered; !errors.Is(err, context.Canceled) {
		release()
		return nil, fmt.Errorf("the cancelled request returned %v, want context.Canceled", err)
	}
	return release, nil
}

// runRenderer runs r until the returned stop is called; done closes once
// Run has returned.
func runRenderer(r *Renderer) (stop func(), done <-chan struct{}) {
	ctx, cancel := context.WithCancel(context.Background())
	d := make(chan struct{})
	go func() {
		defer close(d)
		r.Run(ctx)
	}()
	return cancel, d
}
