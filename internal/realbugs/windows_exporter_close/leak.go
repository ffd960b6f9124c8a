// Package windowsexporterclose reproduces a goroutine leak fixed in the
// Prometheus community's windows_exporter
// (https://github.com/prometheus-community/windows_exporter/pull/376).
//
// A scrape fans the collectors' metrics into one channel that a goroutine
// ranges over, forwarding to Prometheus. A refactor dropped the close of
// that channel after the collectors finished, so the forwarding goroutine
// (and the channel) leaked on every scrape. The fix put the close back.
package windowsexporterclose

import "sync"

// exporter runs its collectors on each scrape.
type exporter struct {
	collectors []func(chan<- string)
}

// collect gathers every collector's metrics into out.
func (e *exporter) collect(out chan<- string) {
	metricsBuffer := make(chan string)
	go func() {
		for m := range metricsBuffer {
			out <- m
		}
	}()
	var wg sync.WaitGroup
	for _, c := range e.collectors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c(metricsBuffer)
		}()
	}
	wg.Wait()
}

// Run scrapes once.
func Run() {
	e := &exporter{collectors: []func(chan<- string){
		func(ch chan<- string) { ch <- "cpu_time_total 1" },
		func(ch chan<- string) { ch <- "memory_free_bytes 2" },
	}}
	e.collect(make(chan string, 8))
}
