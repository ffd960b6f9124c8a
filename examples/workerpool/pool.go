// Package workerpool shows a worker pool whose jobs channel is never
// closed.
//
// A Pool makes thumbnails with a fixed number of workers. Each worker
// ranges over the jobs channel, and a for-range over a channel ends only
// when the channel is closed. LeakyThumbnails queues the work, collects the
// results and returns — without close(jobs), so every worker stays blocked
// waiting for one more job. Thumbnails closes jobs once the last image is
// queued, and the workers' loops end.
package workerpool

import (
	"fmt"
	"image"
)

// Image is a picture to shrink, known by name and size.
type Image struct {
	Name   string          // file name
	Bounds image.Rectangle // size in pixels
}

// Thumb is the thumbnail made from one image.
type Thumb struct {
	Name   string          // file name, derived from the image's
	Bounds image.Rectangle // size in pixels
}

// Pool runs thumbnail jobs on a fixed number of workers.
type Pool struct {
	// Workers is the number of goroutines doing the work.
	Workers int
	// MaxSide is the longest side of a thumbnail, in pixels.
	MaxSide int

	// testAbandon, when set, is handed the jobs channel LeakyThumbnails
	// abandons, so that this example's tests and the demo can free the
	// workers afterwards (see scenario.go). Real code has no such hook.
	testAbandon func(jobs chan Image)
}

// shrink computes the thumbnail of img: the same aspect ratio, the longest
// side at most p.MaxSide. (Stands in for real image work.)
func (p *Pool) shrink(img Image) Thumb {
	w, h := img.Bounds.Dx(), img.Bounds.Dy()
	if long := max(w, h); long > p.MaxSide {
		w, h = w*p.MaxSide/long, h*p.MaxSide/long
	}
	return Thumb{Name: fmt.Sprintf("%s.thumb", img.Name), Bounds: image.Rect(0, 0, w, h)}
}
