package leaky

import (
	"iter"
	"net"
	"runtime"
	"sync/atomic"
	"time"
)

// poller polls on a timer; stop is only for the tests' release.
type poller struct {
	stop atomic.Bool
}

func (p *poller) poll() {
	if p.stop.Load() {
		runtime.Goexit()
	}
}

// SleepLoop starts a goroutine that polls and sleeps forever.
func SleepLoop() (release func()) {
	p := &poller{}
	go func() {
		for {
			p.poll()
			time.Sleep(5 * time.Millisecond) // leak:here LH016
		}
	}()
	return func() { p.stop.Store(true) }
}

// TickerLoop starts a goroutine flushing on every tick of a ticker nobody
// stops.
func TickerLoop() (release func()) {
	p := &poller{}
	go func() {
		t := time.NewTicker(5 * time.Millisecond)
		for range t.C { // leak:here LH017
			p.poll()
		}
	}()
	return func() { p.stop.Store(true) }
}

// ReadNoDeadline starts a goroutine reading from a TCP connection with no
// deadline, whose peer never writes.
func ReadNoDeadline() (release func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil, err
	}
	server, err := ln.Accept()
	if err != nil {
		client.Close()
		return nil, err
	}
	go readAll(server)
	return func() {
		server.Close()
		client.Close()
	}, nil
}

func readAll(conn net.Conn) {
	buf := make([]byte, 512)
	for {
		if _, err := conn.Read(buf); err != nil { // leak:here LH018
			return
		}
	}
}

// PullAbandoned takes the first value of a sequence through iter.Pull and
// drops the iterator without calling stop.
func PullAbandoned() (release func()) {
	seq := func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) { // leak:here LH019
				return
			}
		}
	}
	next, stop := iter.Pull(seq)
	_, _ = next()
	return stop
}
