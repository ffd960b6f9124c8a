// Package testenv holds what tests of several packages need from their
// environment: the go command and file checks.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	// Every test binary that uses testenv takes -update, so that one
	// `go test ./... -update` regenerates every golden file.
	_ "github.com/leakhound/leakhound/internal/golden"
)

// GoCommand finds the go command: the one on PATH (which honours
// GOTOOLCHAIN like the run that started the test), else the one of the
// toolchain that built the test.
func GoCommand(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	name := "go"
	if runtime.GOOS == "windows" {
		name = "go.exe"
	}
	//lint:ignore SA1019 only a fallback when go is not on PATH
	if p := filepath.Join(runtime.GOROOT(), "bin", name); FileExists(p) {
		return p
	}
	t.Fatal("no go command on PATH or in GOROOT")
	return ""
}

// FileExists reports whether p is a file (not a directory).
func FileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// Allocated returns how many bytes f allocated in this process: what tests
// of bounded reading assert, deterministic where peak memory is not.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
