package workerpool

// Thumbnails is LeakyThumbnails with the producer closing jobs once the
// last image is queued: each worker's range loop ends after the last job
// and the worker returns. The results are collected exactly as before.
func (p *Pool) Thumbnails(images []Image) []Thumb {
	jobs := make(chan Image)
	results := make(chan Thumb)
	for range p.Workers {
		go func() {
			for img := range jobs {
				results <- p.shrink(img)
			}
		}()
	}
	go func() {
		defer close(jobs) // the workers' loops end after the last job
		for _, img := range images {
			jobs <- img
		}
	}()
	thumbs := make([]Thumb, 0, len(images))
	for range images {
		thumbs = append(thumbs, <-results)
	}
	return thumbs
}
