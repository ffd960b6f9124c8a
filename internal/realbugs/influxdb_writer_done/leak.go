// Package influxdbwriterdone reproduces a deadlock reported in InfluxDB's
// Go client (https://github.com/influxdata/influxdb-client-go/issues/30).
//
// The buffered writer's flush loop decremented the WaitGroup only when it
// was stopped, but it had two early returns on errors. After such a
// return, Stop's Wait could never end. The fix defers the Done at the top
// of the loop, so every return counts.
package influxdbwriterdone

import (
	"errors"
	"sync"
)

// writer flushes points in the background.
type writer struct {
	wg      sync.WaitGroup
	flushes chan struct{}
	stop    chan struct{}
}

func newWriter(flush func() error) *writer {
	w := &writer{flushes: make(chan struct{}), stop: make(chan struct{})}
	w.wg.Add(1)
	go w.run(flush)
	return w
}

func (w *writer) run(flush func() error) {
	for {
		select {
		case <-w.flushes:
			if err := flush(); err != nil {
				return
			}
		case <-w.stop:
			w.wg.Done()
			return
		}
	}
}

// Flush asks the loop to flush now.
func (w *writer) Flush() { w.flushes <- struct{}{} }

// Stop stops the loop and waits for it.
func (w *writer) Stop() {
	close(w.stop)
	w.wg.Wait()
}

// Run flushes once (the flush fails) and stops the writer from its
// client's shutdown goroutine.
func Run() {
	w := newWriter(func() error { return errors.New("write failed: 503") })
	w.Flush()
	go w.Stop()
}
