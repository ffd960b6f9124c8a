//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/leakhound/leakhound/internal/testservice"
)

// signalWriter passes writes on to a buffer and closes seen once what was
// written contains want.
type signalWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if strings.Contains(w.buf.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return len(p), nil
}

// TestWatchInterrupt ends a watch without -for by SIGINT, as Ctrl-C does:
// the report is written and the exit status is the watch's.
func TestWatchInterrupt(t *testing.T) {
	s := testservice.Start(t, testservice.GoWithout, "steady", "127.0.0.1:0")
	js := filepath.Join(t.TempDir(), "w.json")
	// The first look's line comes after the watch listens for SIGINT, so
	// the signal cannot reach the test binary's default handler.
	stderr := &signalWriter{want: "first look:", seen: make(chan struct{})}
	go func() {
		<-stderr.seen
		syscall.Kill(os.Getpid(), syscall.SIGINT)
	}()
	var stdout bytes.Buffer
	if code := run([]string{"watch", "-every", "50ms", "-json", js, s.URL}, nil, &stdout, stderr); code != exitOK {
		t.Errorf("exit %d, want 0\n%s", code, &stderr.buf)
	}
	if _, err := os.Stat(js); err != nil {
		t.Errorf("no report after the interrupt: %v", err)
	}
	if !strings.Contains(stdout.String(), "no group was proven leaked or growing") {
		t.Errorf("stdout:\n%s", &stdout)
	}
}
