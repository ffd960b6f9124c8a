// Package testservice builds and runs the service the watch tests watch
// (testdata/service): a real process on loopback whose /work
// endpoint leaks, holds steady or bursts, as its -mode says.
package testservice

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/testenv"
)

// The toolchains the service is built with: one without the runtime's
// leak profile, one with it.
const (
	GoWithout = "go1.26.11"
	GoWith    = "go1.27.4"
)

// builds holds one build per toolchain per test binary; the binaries go
// to a directory removed by Cleanup.
var builds struct {
	sync.Mutex
	dir  string
	bins map[string]string
	errs map[string]error
}

// Cleanup removes the built binaries; TestMain calls it after m.Run.
func Cleanup() {
	builds.Lock()
	defer builds.Unlock()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
}

// Binary builds the service with the toolchain (GOTOOLCHAIN), skipping
// the test when it cannot be had or when -short.
func Binary(t *testing.T, toolchain string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs a service")
	}
	builds.Lock()
	defer builds.Unlock()
	if builds.bins == nil {
		dir, err := os.MkdirTemp("", "leakhound-watch-")
		if err != nil {
			t.Fatal(err)
		}
		builds.dir, builds.bins, builds.errs = dir, map[string]string{}, map[string]error{}
	}
	if bin, ok := builds.bins[toolchain]; ok {
		if err := builds.errs[toolchain]; err != nil {
			t.Skipf("cannot build the service with %s: %v", toolchain, err)
		}
		return bin
	}
	_, here, _, _ := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(here), "testdata", "service")
	bin := filepath.Join(builds.dir, "service-"+toolchain)
	cmd := exec.Command(testenv.GoCommand(t), "build", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+toolchain, "GOEXPERIMENT=", "CGO_ENABLED=0", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	builds.bins[toolchain] = bin
	if err != nil {
		builds.errs[toolchain] = fmt.Errorf("%v\n%s", err, out)
		t.Skipf("cannot build the service with %s: %v\n%s", toolchain, err, out)
	}
	return bin
}

// Service is one running process of the service.
type Service struct {
	// URL is its base URL, Addr its host:port.
	URL, Addr string
	cmd       *exec.Cmd
}

// Start runs the service built with toolchain in mode on addr
// ("127.0.0.1:0" for any port) and returns once it listens; the test's
// cleanup stops it.
func Start(t *testing.T, toolchain, mode, addr string) *Service {
	t.Helper()
	cmd := exec.Command(Binary(t, toolchain), "-mode", mode, "-addr", addr)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Service{cmd: cmd}
	t.Cleanup(s.Stop)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the service printed no address: %v", err)
	}
	s.Addr = strings.TrimSpace(line)
	s.URL = "http://" + s.Addr
	return s
}

// Stop kills the process and waits for it.
func (s *Service) Stop() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

// Get requests path and returns an error unless it answers 200; it may be
// called from any goroutine.
func (s *Service) Get(path string) error {
	resp, err := http.Get(s.URL + path)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s%s: %s", s.URL, path, resp.Status)
	}
	return nil
}
