// Package istioadsreceive reproduces a goroutine leak fixed in Istio
// pilot's aggregated discovery service
// (https://github.com/istio/istio/pull/10892, issue
// https://github.com/istio/istio/issues/10822).
//
// Each proxy stream has a receive goroutine that reads requests and hands
// them to the stream's handler over an unbuffered channel. When the
// handler returned (an error while processing a request), the receive
// goroutine could already hold the next request and block on the hand-off
// forever. The upstream fix made the hand-off a select that also returns
// when the stream's context is done, which the gRPC server cancels once
// the handler returns.
package istioadsreceive

import (
	"context"
	"errors"
)

// stream is a proxy's gRPC stream: requests to read and a context the
// server cancels when the handler returns.
type stream struct {
	ctx  context.Context
	reqs []string
}

// Recv returns the next request.
func (s *stream) Recv() (string, error) {
	if len(s.reqs) == 0 {
		return "", errors.New("EOF")
	}
	r := s.reqs[0]
	s.reqs = s.reqs[1:]
	return r, nil
}

// receiveThread reads requests from s and hands them to the handler.
func receiveThread(s *stream, reqChannel chan<- string, errP *error) {
	defer close(reqChannel)
	for {
		req, err := s.Recv()
		if err != nil {
			*errP = err
			return
		}
		reqChannel <- req
	}
}

// streamAggregatedResources is the stream's handler.
func streamAggregatedResources(s *stream, process func(string) error) error {
	var recvErr error
	reqChannel := make(chan string)
	go receiveThread(s, reqChannel, &recvErr)
	for {
		req, ok := <-reqChannel
		if !ok {
			return recvErr
		}
		if err := process(req); err != nil {
			return err
		}
	}
}

// Run serves a stream whose first request fails to process, as the gRPC
// server would: it cancels the stream's context once the handler returns.
func Run() {
	ctx, cancel := context.WithCancel(context.Background())
	s := &stream{ctx: ctx, reqs: []string{"bad", "next"}}
	_ = streamAggregatedResources(s, func(req string) error {
		return errors.New("cannot process " + req)
	})
	cancel()
}
