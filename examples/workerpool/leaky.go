package workerpool

// LeakyThumbnails makes a thumbnail of every image with p.Workers workers.
// It returns once every thumbnail is collected — and leaves the workers
// behind: nobody closes jobs, so each worker's range loop waits for a job
// that will never come.
func (p *Pool) LeakyThumbnails(images []Image) []Thumb {
	jobs := make(chan Image)
	results := make(chan Thumb)
	for range p.Workers {
		go func() {
			for img := range jobs { // leak: blocks here
				results <- p.shrink(img)
			}
		}()
	}
	if p.testAbandon != nil {
		p.testAbandon(jobs)
	}
	go func() {
		for _, img := range images {
			jobs <- img
		}
		// Missing: close(jobs).
	}()
	thumbs := make([]Thumb, 0, len(images))
	for range images {
		thumbs = append(thumbs, <-results)
	}
	return thumbs
}
