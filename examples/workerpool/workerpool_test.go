package workerpool

import (
	"image"
	"testing"

	"github.com/leakhound/leakhound/examples/internal/leaktest"
	"github.com/leakhound/leakhound/leakcheck"
)

func TestLeakyThumbnailsLeaks(t *testing.T) {
	t.Parallel()
	leaktest.Leak(t, Scenario(), leaktest.Marked(t, "leaky.go", Workers))
}

func TestLeakyThumbnailsFailsCheck(t *testing.T) {
	t.Parallel()
	leaktest.CheckFails(t, Scenario(), leaktest.Marked(t, "leaky.go", Workers))
}

func TestThumbnails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		workers int
		images  int
	}{
		{"more images than workers", 4, 10},
		{"more workers than images", 8, 3},
		{"no images", 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			leakcheck.Check(t)
			p := &Pool{Workers: tt.workers, MaxSide: 256}
			thumbs := p.Thumbnails(sampleImages(tt.images))
			if len(thumbs) != tt.images {
				t.Fatalf("%d thumbnails of %d images", len(thumbs), tt.images)
			}
			for _, th := range thumbs {
				if max(th.Bounds.Dx(), th.Bounds.Dy()) != 256 || th.Bounds.Min != (image.Point{}) {
					t.Errorf("thumbnail %s is %v, want its longest side 256", th.Name, th.Bounds)
				}
			}
		})
	}
}

// TestFixedVersionPassesCheck runs the fixed version through the leaky
// scenario's steps under leakcheck.Check.
func TestFixedVersionPassesCheck(t *testing.T) {
	t.Parallel()
	leaktest.FixedPasses(t, Scenario())
}
