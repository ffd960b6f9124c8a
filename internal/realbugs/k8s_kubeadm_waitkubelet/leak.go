// Package k8skubeadmwaitkubelet reproduces a goroutine leak fixed in
// kubeadm's WaitForKubeletAndFunc
// (https://github.com/kubernetes/kubernetes/pull/85017).
//
// Two goroutines may each send one value on a local unbuffered channel,
// but the function receives only the first value and returns. Whichever
// goroutine reports second blocks forever. The upstream fix gave the
// channel a one-element buffer so the slower goroutine's send completes.
package k8skubeadmwaitkubelet

import "errors"

// waitForKubeletAndFunc returns the first of: the kubelet's health check
// failing, or f finishing.
func waitForKubeletAndFunc(healthy func() error, f func() error) error {
	errC := make(chan error)
	go func() {
		if err := healthy(); err != nil {
			errC <- err
		}
	}()
	go func() {
		errC <- f()
	}()
	return <-errC
}

// Run reports an unhealthy kubelet before the waited-for function ends.
func Run() {
	finish := make(chan struct{})
	_ = waitForKubeletAndFunc(func() error {
		return errors.New("the kubelet is not healthy")
	}, func() error {
		<-finish
		return nil
	})
	close(finish)
}
