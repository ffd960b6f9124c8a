package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// binary is the leakhound command built once by TestMain; the acceptance
// tests run it as a user would.
var binary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	// A directory of this process's own: the suites of several Go
	// versions run side by side, and each must run the binary its own
	// toolchain built.
	tmp, err := os.MkdirTemp("", "leakhound-cmd-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer os.RemoveAll(tmp)
	abs := filepath.Join(tmp, "leakhound")
	cmd := exec.Command("go", "build", "-o", abs, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building leakhound: %v\n%s", err, out)
		return 2
	}
	binary = abs
	return m.Run()
}

// result is what one run of the binary produced.
type result struct {
	code           int
	stdout, stderr string
}

// runBinary runs the built command with args and stdin in dir ("" for the
// package directory).
func runBinary(t testing.TB, dir string, stdin []byte, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running leakhound %q: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}
