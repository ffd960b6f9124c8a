package main

import (
	"net/http"
	"net/http/httptest"
	"net/http/pprof"
	"strings"
	"testing"
)

// TestReportURL fetches dumps from a pprof endpoint of this process on
// loopback, and checks the failures a person meets with URLs.
func TestReportURL(t *testing.T) {
	startBlocked(t)
	hang := make(chan struct{})
	mux := http.NewServeMux()
	mux.Handle("/debug/pprof/goroutine", pprof.Handler("goroutine"))
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(hang) }) // runs first: frees the handler so Close returns

	for _, q := range []string{"?debug=2", "?debug=1", ""} {
		t.Run("goroutine"+q, func(t *testing.T) {
			r := runBinary(t, "", nil, "report", "-timeout", "30s", srv.URL+"/debug/pprof/goroutine"+q)
			if r.code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
			}
			for _, fn := range allParked {
				if !strings.Contains(r.stdout, fn) {
					t.Errorf("the report does not mention %s:\n%s", fn, r.stdout)
				}
			}
		})
	}

	fails := []struct {
		name string
		args []string
		want []string
	}{
		{"not found", []string{srv.URL + "/debug/pprof/nothing"}, []string{"404", "/debug/pprof/nothing"}},
		{"timeout", []string{"-timeout", "300ms", srv.URL + "/hang"}, []string{"/hang", "-timeout"}},
		{"refused", []string{"-timeout", "5s", "http://127.0.0.1:1/debug/pprof/goroutine"}, []string{"127.0.0.1:1"}},
	}
	for _, tt := range fails {
		t.Run(tt.name, func(t *testing.T) {
			r := runBinary(t, "", nil, append([]string{"report"}, tt.args...)...)
			if r.code != exitUsage {
				t.Errorf("exit %d, want %d; stdout:\n%s", r.code, exitUsage, r.stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}
