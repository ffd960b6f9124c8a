package explain

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// TestHTTPConnectionEdits checks the edits for an HTTP client connection's
// goroutines, whose stack holds no line of the package: the response
// bodies and clients the package under test never closes get their Close
// where the code creates them; a response handed to the caller does not.
func TestHTTPConnectionEdits(t *testing.T) {
	const checker = `package probe

import "net/http"

type Checker struct{ Client *http.Client }

func (c *Checker) CloseIdleConnections() { c.Client.CloseIdleConnections() }

func newChecker() *Checker { return &Checker{Client: &http.Client{}} }

func (c *Checker) ok(url string) (bool, error) {
	resp, err := c.Client.Get(url)
	if err != nil {
		return false, err
	}
	return resp.StatusCode == http.StatusOK, nil
}

func (c *Checker) closedOK(url string) (bool, error) {
	resp, err := c.Client.Get(url)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK, nil
}

func probe() bool {
	c := newChecker()
	ok, _ := c.ok("http://localhost/")
	return ok
}
`
	const handedOut = `package probe

import "net/http"

func fetch(c *http.Client, url string) (*http.Response, error) {
	resp, err := c.Get(url)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil
	}
	return resp, nil
}
`
	tests := []struct {
		name, src string
		want      []string
		noEdit    string
	}{
		{"body and idle connections closed", checker, []string{"+ defer resp.Body.Close()", "+ defer c.CloseIdleConnections()"}, ""},
		{"a response returned is the caller's", handedOut, nil, "resp is returned, so its owner is elsewhere"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, "probe")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/m\n\ngo 1.26\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "probe.go"), []byte(tt.src), 0o644); err != nil {
				t.Fatal(err)
			}
			g := &profile.Goroutine{ID: 1, State: "select", Frames: []profile.Frame{
				{Func: "net/http.(*persistConn).readLoop", File: "/usr/lib/go/src/net/http/transport.go", Line: 2300}}}
			rep := explained([]report.Leak{{Goroutine: g}}, report.Options{Package: "example.com/m/probe", ModuleRoot: root}, Options{})
			d := rep.Groups[0].Diagnosis
			if d.PatternID != report.PatternHTTPClientConn {
				t.Fatalf("pattern %s, want %s", d.PatternID, report.PatternHTTPClientConn)
			}
			checkSuggestion(t, d, tt.want, tt.noEdit)
		})
	}
}

// checkSuggestion fails t unless d suggests exactly the edits shown as
// want, or, with noEdit set, no edit and a reason containing noEdit.
func checkSuggestion(t *testing.T, d report.Diagnosis, want []string, noEdit string) {
	t.Helper()
	if noEdit != "" {
		if d.Suggestion != nil || !strings.Contains(d.NoEdit, noEdit) {
			t.Fatalf("want no edit saying %q, got %+v / %q", noEdit, d.Suggestion, d.NoEdit)
		}
		return
	}
	if d.Suggestion == nil {
		t.Fatalf("no edit: %s", d.NoEdit)
	}
	if got := strings.Join(d.Suggestion.Lines, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("edits:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}
