// Package etcdwatchctrlstream reproduces a goroutine leak fixed in etcd's
// gRPC watch server (https://github.com/etcd-io/etcd/issues/18704).
//
// serverWatchStream runs a receive loop and a send loop. The receive loop
// forwards control responses to the send loop over ctrlStream; when the
// send loop had already exited (the client's stream failed), the receive
// loop blocked on that send forever. Every other use of ctrlStream also
// selected on closec, which is closed when the stream ends; the fix made
// this send do the same.
package etcdwatchctrlstream

import "errors"

// serverWatchStream is one client's watch stream.
type serverWatchStream struct {
	ctrlStream chan string
	closec     chan struct{}
	send       func(string) error
}

// recvLoop reads the client's requests and forwards a control response
// for each.
func (sws *serverWatchStream) recvLoop(reqs []string) {
	for _, r := range reqs {
		sws.ctrlStream <- "created " + r
	}
}

// sendLoop writes control responses to the client until the stream fails
// or closes.
func (sws *serverWatchStream) sendLoop() {
	for {
		select {
		case c := <-sws.ctrlStream:
			if err := sws.send(c); err != nil {
				return
			}
		case <-sws.closec:
			return
		}
	}
}

// watch serves one stream until its send loop ends.
func (sws *serverWatchStream) watch(reqs []string) {
	go sws.recvLoop(reqs)
	sws.sendLoop()
	close(sws.closec)
}

// Run serves a client whose stream breaks on the first response.
func Run() {
	sws := &serverWatchStream{
		ctrlStream: make(chan string),
		closec:     make(chan struct{}),
		send:       func(string) error { return errors.New("transport is closing") },
	}
	sws.watch([]string{"a", "b"})
}
