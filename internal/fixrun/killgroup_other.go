//go:build !unix

package fixrun

import "os/exec"

// killGroup leaves cmd's cancellation as exec does it (kill the go
// command itself): there are no process groups to kill here.
func killGroup(cmd *exec.Cmd) {}
