// Package httphandler shows an HTTP handler that waits for work it started
// without watching its request's context.
//
// The server renders reports on a shared background Renderer (a stand-in
// for any slow, serialised resource: a PDF engine, a rate-limited API). The
// leaky handler, LeakyReport, queues a render and waits for the result with
// a bare receive. When the client gives up, net/http cancels r.Context() —
// but the handler is not listening, so its goroutine stays blocked until the
// render arrives, which may be never. The fixed handler, Report, waits in a
// select that also watches r.Context().Done().
package httphandler

import (
	"context"
	"fmt"
)

// Renderer renders reports one at a time on its own goroutine.
type Renderer struct {
	// Render produces the report named name. It may be slow.
	Render func(name string) []byte

	queue chan job
}

type job struct {
	name string
	done chan []byte // buffered: the worker never waits for the requester
}

// NewRenderer returns a Renderer that queues up to backlog renders.
func NewRenderer(render func(name string) []byte, backlog int) *Renderer {
	return &Renderer{Render: render, queue: make(chan job, backlog)}
}

// Submit queues a render of name and returns the channel the result will
// arrive on. It fails when the backlog is full.
func (r *Renderer) Submit(name string) (<-chan []byte, error) {
	j := job{name: name, done: make(chan []byte, 1)}
	select {
	case r.queue <- j:
		return j.done, nil
	default:
		return nil, fmt.Errorf("render queue full (%d waiting); try again later", cap(r.queue))
	}
}

// Run renders queued reports until ctx is cancelled.
func (r *Renderer) Run(ctx context.Context) {
	for {
		select {
		case j := <-r.queue:
			j.done <- r.Render(j.name)
		case <-ctx.Done():
			return
		}
	}
}
