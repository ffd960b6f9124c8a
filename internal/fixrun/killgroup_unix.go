//go:build unix

package fixrun

import (
	"os/exec"
	"syscall"
)

// killGroup makes cmd the leader of a process group of its own and, on
// cancellation, kills the whole group: go test's children (the test
// binary, the compiler) die with it, so Ctrl-C leaves nothing running.
func killGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
