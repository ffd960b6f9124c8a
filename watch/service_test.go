package watch_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/testenv"
)

// The toolchains the service is built with: one without the runtime's
// leak profile, one with it.
const (
	goWithout = "go1.26.11"
	goWith    = "go1.27.4"
)

// services builds testdata/service once per toolchain per test binary.
var services struct {
	sync.Mutex
	dir  string
	bins map[string]string
	errs map[string]error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "leakhound-watch-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	services.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// serviceBinary builds the service with the toolchain, skipping the test
// when that toolchain cannot be had.
func serviceBinary(t *testing.T, toolchain string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs a service")
	}
	services.Lock()
	defer services.Unlock()
	if services.bins == nil {
		services.bins, services.errs = map[string]string{}, map[string]error{}
	}
	if bin, ok := services.bins[toolchain]; ok {
		if err := services.errs[toolchain]; err != nil {
			t.Skipf("cannot build the service with %s: %v", toolchain, err)
		}
		return bin
	}
	bin := filepath.Join(services.dir, "service-"+toolchain)
	cmd := exec.Command(testenv.GoCommand(t), "build", "-o", bin, "./testdata/service")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+toolchain, "GOEXPERIMENT=", "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	services.bins[toolchain] = bin
	if err != nil {
		services.errs[toolchain] = fmt.Errorf("%v\n%s", err, out)
		t.Skipf("cannot build the service with %s: %v\n%s", toolchain, err, out)
	}
	return bin
}

// service is one running process of the service.
type service struct {
	url  string
	addr string
	cmd  *exec.Cmd
}

// startService runs the service in mode on addr ("127.0.0.1:0" for any
// port) and returns once it listens.
func startService(t *testing.T, toolchain, mode, addr string) *service {
	t.Helper()
	bin := serviceBinary(t, toolchain)
	cmd := exec.Command(bin, "-mode", mode, "-addr", addr)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &service{cmd: cmd}
	t.Cleanup(s.stop)
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the service printed no address: %v", err)
	}
	s.addr = strings.TrimSpace(line)
	s.url = "http://" + s.addr
	return s
}

// stop kills the process and waits for it.
func (s *service) stop() {
	if s.cmd.Process != nil && s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

// get requests path and fails the test unless it answers 200.
func (s *service) get(t *testing.T, path string) {
	t.Helper()
	resp, err := http.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s%s: %s", s.url, path, resp.Status)
	}
}

// drive calls f before each of n looks of w.
func drive(t *testing.T, look func(context.Context) error, n int, f func(i int)) {
	t.Helper()
	for i := range n {
		f(i)
		if err := look(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}
