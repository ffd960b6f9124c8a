package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/testenv"
)

// TestReportHostileInput: input built to exhaust memory ends with a clear
// error after a few megabytes, whatever the source: a 1 GiB gzip bomb (7.2
// GB and 29 s before), an endless stream from a URL (read up to 2 GiB), and
// a URL that trickles a dump forever (ended by -timeout).
func TestReportHostileInput(t *testing.T) {
	zeros := make([]byte, 32<<10)
	mux := http.NewServeMux()
	mux.HandleFunc("/zeros", func(w http.ResponseWriter, r *http.Request) {
		for r.Context().Err() == nil {
			if _, err := w.Write(zeros); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/trickle", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1\n\n")
		for id := 2; r.Context().Err() == nil; id++ {
			fmt.Fprintf(w, "goroutine %d [chan receive]:\nmain.wait()\n\t/src/main.go:9 +0x1\n\n", id)
			w.(http.Flusher).Flush()
			// Pacing, not synchronization: the stream never ends, so
			// the client's -timeout ends it at any speed; the pause only
			// keeps it from filling memory on a fast machine.
			time.Sleep(time.Millisecond)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	bomb := writeInput(t, "dump.txt.gz", testenv.GzipBomb(t, []byte{0}, 1024))
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"1 GiB gzip bomb", []string{bomb}, []string{bomb, "gzip", "binary data"}},
		{"endless URL", []string{srv.URL + "/zeros"}, []string{"/zeros", "binary data", "goroutine endpoint"}},
		{"URL that never ends", []string{"-timeout", "1s", srv.URL + "/trickle"}, []string{"/trickle", "-timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			code := -1
			n := testenv.Allocated(func() { code = run(append([]string{"report"}, tt.args...), nil, &stdout, &stderr) })
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stdout %q", code, exitUsage, stdout.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr does not say %q:\n%s", w, stderr.String())
				}
			}
			if n > 64<<20 {
				t.Errorf("allocated %d MiB, want under 64", n>>20)
			}
		})
	}
}
