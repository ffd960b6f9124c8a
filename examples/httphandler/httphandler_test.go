package httphandler

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/leakhound/leakhound/examples/internal/leaktest"
	"github.com/leakhound/leakhound/leakcheck"
)

func TestLeakyReportLeaks(t *testing.T) {
	t.Parallel()
	leaktest.Leak(t, Scenario(), leaktest.Marked(t, "leaky.go", 1))
}

func TestLeakyReportFailsCheck(t *testing.T) {
	t.Parallel()
	leaktest.CheckFails(t, Scenario(), leaktest.Marked(t, "leaky.go", 1))
}

// TestReportClientGivesUp is the leaky scenario against the fixed handler:
// the cancelled request ends the handler, and leakcheck finds nothing once
// the test's cleanups have let the render finish and closed the server.
func TestReportClientGivesUp(t *testing.T) {
	t.Parallel()
	leakcheck.Check(t)
	release, err := leak(func(s *Server) http.HandlerFunc { return s.Report })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
}

func TestReport(t *testing.T) {
	t.Parallel()
	leakcheck.Check(t)
	renderer := NewRenderer(func(name string) []byte { return []byte("%PDF " + name) }, 4)
	go renderer.Run(t.Context())
	srv := httptest.NewServer(http.HandlerFunc((&Server{Renderer: renderer}).Report))
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{}}
	t.Cleanup(client.CloseIdleConnections)

	tests := []struct {
		query string
		want  string
	}{
		{"name=q3", "%PDF q3"},
		{"name=annual", "%PDF annual"},
	}
	for _, tt := range tests {
		resp, err := client.Get(srv.URL + "/report?" + tt.query)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || string(body) != tt.want || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("GET ?%s = %q (%s, err %v), want %q as application/pdf", tt.query, body,
				resp.Header.Get("Content-Type"), err, tt.want)
		}
	}
}

func TestSubmitFullQueue(t *testing.T) {
	t.Parallel()
	r := NewRenderer(func(string) []byte { return nil }, 1) // not running: nothing drains the queue
	if _, err := r.Submit("a"); err != nil {
		t.Fatalf("first Submit: %v", err)
	}
	if _, err := r.Submit("b"); err == nil {
		t.Fatal("Submit on a full queue succeeded")
	}
}

// TestFixedVersionPassesCheck runs the fixed version through the leaky
// scenario's steps under leakcheck.Check.
func TestFixedVersionPassesCheck(t *testing.T) {
	t.Parallel()
	leaktest.FixedPasses(t, Scenario())
}
