package leaky

import (
	"context"
	"runtime"
	"time"
)

// RecvNoSender starts a goroutine waiting for a result nobody sends.
func RecvNoSender() (release func()) {
	results := make(chan int)
	go func() {
		v := <-results // leak:here LH001
		_ = v
	}()
	return func() { close(results) }
}

// WorkerPool starts workers ranging over a jobs channel that is never
// closed once the work is queued.
func WorkerPool(workers int, work []int) (release func()) {
	jobs := make(chan int)
	for range workers {
		go worker(jobs)
	}
	for _, j := range work {
		jobs <- j
	}
	return func() { close(jobs) }
}

func worker(jobs <-chan int) {
	for j := range jobs { // leak:here LH002
		_ = j * j
	}
}

// SendAfterTimeout gives up waiting for a result after a timeout, leaving
// the goroutine that computes it blocked on its send.
func SendAfterTimeout() (release func()) {
	ch := make(chan int)
	slow := make(chan struct{})
	go func() {
		<-slow   // the computation takes longer than the caller waits
		ch <- 42 // leak:here LH003
	}()
	select {
	case v := <-ch:
		_ = v
	case <-time.After(time.Millisecond):
	}
	close(slow)
	return func() { <-ch }
}

// Dispatcher starts a loop whose select has no case that stops it.
func Dispatcher() (release func()) {
	tasks := make(chan func())
	flush := make(chan struct{})
	go func() {
		for {
			select { // leak:here LH004
			case task := <-tasks:
				task()
			case <-flush:
			}
		}
	}()
	// A task ending the goroutine from inside is the only way out.
	return func() { tasks <- runtime.Goexit }
}

// WatchBackground starts a watcher whose context is never cancelled.
func WatchBackground() (release func()) {
	events := make(chan string)
	ctx := context.Background()
	go watch(ctx, events)
	return func() { close(events) }
}

func watch(ctx context.Context, events <-chan string) {
	for {
		select { // leak:here LH005
		case <-ctx.Done():
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			_ = e
		}
	}
}

// CleanupOnCancel starts a goroutine that cleans up once its context is
// cancelled; the caller keeps the cancel function and never calls it.
func CleanupOnCancel() (release func()) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-ctx.Done() // leak:here LH005/bare-done
		setUp()
	}()
	return cancel
}

// PingPong starts two goroutines that each send first and receive second,
// on each other's unbuffered channel.
func PingPong() (release func()) {
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		ping <- 1 // leak:here LH009
		<-pong
	}()
	go func() {
		pong <- 1 // leak:here LH009
		<-ping
	}()
	return func() {
		// Taking ping lets the first goroutine go on to <-pong, which
		// pairs with the second's send; the second then waits on <-ping.
		<-ping
		ping <- 0
	}
}

// NilReceive starts a goroutine receiving from a channel that was never
// made. Nothing can release it: run it in a process that exits.
func NilReceive() {
	var done chan struct{}
	go func() {
		<-done // leak:here LH010
	}()
}

// EmptySelect starts a goroutine parked in select {}. Nothing can release
// it: run it in a process that exits.
func EmptySelect() {
	go func() {
		setUp()
		select {} // leak:here LH011
	}()
}

func setUp() {}
