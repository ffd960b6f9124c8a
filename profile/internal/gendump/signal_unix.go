//go:build unix

package main

import (
	"os"
	"syscall"
)

// disableCoreDumps keeps GOTRACEBACK=crash from leaving a core file.
func disableCoreDumps() {
	_ = syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{})
}

// sendQuit sends SIGQUIT to this process, as a person pressing Ctrl-\ does.
func sendQuit() {
	_ = syscall.Kill(os.Getpid(), syscall.SIGQUIT)
}

// platformSpecs adds a goroutine blocked in a raw read(2) on a pipe, which
// the runtime shows as "syscall" (the os package would park it as IO wait).
func platformSpecs() []spec {
	return []spec{{name: "syscall", state: "syscall", start: func(r *rec) {
		var fds [2]int
		if err := syscall.Pipe(fds[:]); err != nil {
			panic("gendump: creating a pipe: " + err.Error())
		}
		r.created()
		go func() {
			buf := make([]byte, 1)
			r.mark()
			_, _ = syscall.Read(fds[0], buf)
		}()
	}}}
}
