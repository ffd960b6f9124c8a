package workerpool

import (
	"fmt"
	"image"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/report"
)

// Workers is the pool size the scenario uses: that many goroutines leak.
const Workers = 4

// Scenario describes this example for the tests and the demo: one call of
// LeakyThumbnails over a few images.
func Scenario() harness.Scenario {
	return harness.Scenario{
		Name:      "workerpool",
		Title:     "worker pool whose jobs channel is never closed",
		Reason:    report.ReasonChanReceive,
		PatternID: report.PatternRangeUnclosed,
		Leak:      leak,
		Fixed:     fixed,
		Edited:    edited,
	}
}

// sampleImages returns n images of assorted sizes.
func sampleImages(n int) []Image {
	imgs := make([]Image, n)
	for i := range imgs {
		imgs[i] = Image{Name: fmt.Sprintf("photo%02d.jpg", i), Bounds: image.Rect(0, 0, 4000+100*i, 3000)}
	}
	return imgs
}

func fixed() (release func(), err error) {
	p := &Pool{Workers: Workers, MaxSide: 256}
	imgs := sampleImages(10)
	if got := p.Thumbnails(imgs); len(got) != len(imgs) {
		return nil, fmt.Errorf("Thumbnails made %d thumbnails of %d images", len(got), len(imgs))
	}
	return func() {}, nil
}

func leak() (release func(), err error) {
	p := &Pool{Workers: Workers, MaxSide: 256, testAbandon: func(jobs chan Image) { release = func() { close(jobs) } }}
	imgs := sampleImages(10)
	if got := p.LeakyThumbnails(imgs); len(got) != len(imgs) {
		release()
		return nil, fmt.Errorf("LeakyThumbnails made %d thumbnails of %d images", len(got), len(imgs))
	}
	return release, nil
}

// edited runs LeakyThumbnails on the same images without the test hook.
func edited() (release func(), err error) {
	p := &Pool{Workers: Workers, MaxSide: 256}
	imgs := sampleImages(10)
	if got := p.LeakyThumbnails(imgs); len(got) != len(imgs) {
		return nil, fmt.Errorf("LeakyThumbnails made %d thumbnails of %d images", len(got), len(imgs))
	}
	return func() {}, nil
}
