// Package kataexitchstartfail reproduces a goroutine leak fixed in the
// Kata Containers containerd shim
// (https://github.com/kata-containers/kata-containers/pull/2089, issue
// https://github.com/kata-containers/kata-containers/issues/2087).
//
// containerd calls the shim's Wait as soon as a container or exec is
// created, and Wait blocks on the container's exit channel. Only the
// goroutine that start launches, once the process runs, sends the exit
// status; when start failed, that goroutine was never launched and Wait
// blocked forever. The fix delivers an exit status on start's failure
// path as well.
package kataexitchstartfail

import "errors"

// container is a created container or exec.
type container struct {
	exitCh chan uint32
}

// service is the shim's task service.
type service struct{}

func (s *service) create() *container {
	return &container{exitCh: make(chan uint32, 1)}
}

// wait returns c's exit status once it has exited.
func (s *service) wait(c *container) uint32 {
	return <-c.exitCh
}

// start runs c's process and, once it runs, reaps it.
func (s *service) start(c *container, run func() (<-chan uint32, error)) error {
	exited, err := run()
	if err != nil {
		return err
	}
	go func() {
		status := <-exited
		c.exitCh <- status
	}()
	return nil
}

// Run creates a container, has containerd wait on it, and fails its start.
func Run() {
	s := &service{}
	c := s.create()
	go s.wait(c)
	_ = s.start(c, func() (<-chan uint32, error) {
		return nil, errors.New("starting the exec failed")
	})
}
