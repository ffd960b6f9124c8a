package livepage_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/testservice"
	"github.com/leakhound/leakhound/livepage"
	"github.com/leakhound/leakhound/report"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testservice.Cleanup()
	os.Exit(code)
}

// get fetches a URL and returns its status, content type and body.
func get(t *testing.T, url string, header ...string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(body)
}

// leakGroup returns the group of the service's leaked goroutines in the
// page's JSON, once all n are blocked in their receive.
func leakGroup(t *testing.T, s *testservice.Service, n int) *report.Group {
	t.Helper()
	for range 100 {
		_, _, body := get(t, s.URL+"/debug/leaks?format=json")
		doc, err := report.ReadJSON(strings.NewReader(body))
		if err != nil {
			t.Fatalf("the JSON form does not read back: %v\n%s", err, body)
		}
		for _, r := range doc.Reports {
			for _, g := range r.Groups {
				if g.Block.Func == "main.leakOne.func1" && g.Reason == report.ReasonChanReceive && g.Count == n {
					return g
				}
			}
		}
	}
	t.Fatalf("no group of %d goroutines blocked in main.leakOne.func1", n)
	return nil
}

// TestPage serves the page from real processes built with and without the
// runtime's leak profile, and checks what it says and what it never shows.
func TestPage(t *testing.T) {
	for _, tc := range []struct {
		toolchain string
		proven    bool
	}{
		{testservice.GoWithout, false},
		{testservice.GoWith, true},
	} {
		t.Run(tc.toolchain, func(t *testing.T) {
			t.Parallel()
			s := testservice.Start(t, tc.toolchain, "leak", "127.0.0.1:0")
			for range 3 {
				if err := s.Get("/work"); err != nil {
					t.Fatal(err)
				}
			}
			g := leakGroup(t, s, 3)
			if got := g.Leaked == 3; got != tc.proven {
				t.Errorf("%d of 3 proven leaked; want all proven %v", g.Leaked, tc.proven)
			}
			if g.Diagnosis.FromSource {
				t.Error("the diagnosis read the source, which the page must not without Options.Source")
			}

			code, ctype, page := get(t, s.URL+"/debug/leaks")
			if code != http.StatusOK || !strings.HasPrefix(ctype, "text/html") {
				t.Fatalf("page: %d %s", code, ctype)
			}
			// The blocking line is "<-forgotten"; the page names the
			// function but shows none of the source.
			for _, want := range []string{"main.leakOne.func1", "leakOne"} {
				if !strings.Contains(page, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
			if strings.Contains(page, "forgotten") || strings.Contains(page, `class="src-line hit"`) {
				t.Error("the page shows source text without Options.Source")
			}
			_, _, withSource := get(t, s.URL+"/debug/leaks-src")
			if !strings.Contains(withSource, "&lt;-forgotten") {
				t.Error("the page with Options.Source lacks the blocking line")
			}
			if _, ctype, _ := get(t, s.URL+"/debug/leaks", "Accept", "application/json"); !strings.HasPrefix(ctype, "application/json") {
				t.Errorf("Accept: application/json gave %s", ctype)
			}
		})
	}
}

func TestMethods(t *testing.T) {
	srv := httptest.NewServer(livepage.Handler(livepage.Options{NoLeakProfile: true}))
	defer srv.Close()
	tests := []struct {
		method string
		want   int
	}{
		{http.MethodGet, http.StatusOK},
		{http.MethodHead, http.StatusOK},
		{http.MethodPost, http.StatusMethodNotAllowed},
		{http.MethodDelete, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.method, resp.StatusCode, tt.want)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", tt.method, got)
		}
	}
}
