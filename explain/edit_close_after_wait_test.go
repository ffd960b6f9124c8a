package explain

import "testing"

// closeAfterWaitSource holds a ranged channel whose senders a WaitGroup
// waits for and nothing closes, and near misses: a sender that adds to
// the WaitGroup itself, and a send after the Wait; see editCase for the
// marks.
const closeAfterWaitSource = `package x

import "sync"

func collect(collectors []func(chan<- string), out chan<- string) {
	metrics := make(chan string)
	go func() { // go:collect
		for m := range metrics { // mark:collect
			out <- m
		}
	}()
	var wg sync.WaitGroup
	for _, c := range collectors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c(metrics)
		}()
	}
	wg.Wait()
}

// gather's goroutines call Add themselves: Wait may return before one
// has started, and a close then could come before its send.
func gather(collectors []func(chan<- string), out chan<- string) {
	metrics := make(chan string)
	go func() { // go:gather
		for m := range metrics { // mark:gather
			out <- m
		}
	}()
	var wg sync.WaitGroup
	for _, c := range collectors {
		go func() {
			defer wg.Done()
			wg.Add(1)
			c(metrics)
		}()
	}
	wg.Wait()
}

// scrape sends once more after the Wait.
func scrape(collectors []func(chan<- string), out chan<- string) {
	metrics := make(chan string)
	go func() { // go:scrape
		for m := range metrics { // mark:scrape
			out <- m
		}
	}()
	var wg sync.WaitGroup
	for _, c := range collectors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c(metrics)
		}()
	}
	wg.Wait()
	metrics <- "done"
}
`

// TestCloseAfterWaitEdits checks that a ranged channel gets its close
// after the Wait for its senders, and not where Wait may come before a
// send.
func TestCloseAfterWaitEdits(t *testing.T) {
	checkEditCases(t, closeAfterWaitSource, []editCase{
		{"close after the senders' Wait", "collect", "chan receive", "x.collect.func1", "collect",
			[]string{"+ close(metrics)"}, "call close(metrics) right after wg.Wait() (line 20)", ""},
		{"no close where a sender adds to the WaitGroup", "gather", "chan receive", "x.gather.func1", "gather",
			nil, "", ""},
		{"no close before a later send", "scrape", "chan receive", "x.scrape.func1", "scrape",
			nil, "", ""},
	})
}
