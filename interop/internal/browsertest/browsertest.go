// Package browsertest finds the browser that interop's browser tests
// drive through chromedp.
package browsertest

import (
	"os/exec"
	"testing"
)

// Find returns a Chromium-family browser: LEAKHOUND_BROWSER, or the first
// of the usual names on PATH. Without one the test is skipped locally and
// fails in CI (CI set), where .ci/run installs Chromium; what names what
// must be tested in a browser, for the message. getenv reads a variable of
// the environment: the tests pass the standard library's, so that only test
// files read the environment.
func Find(t testing.TB, what string, getenv func(string) string) string {
	t.Helper()
	if p := getenv("LEAKHOUND_BROWSER"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if getenv("CI") != "" {
		t.Fatalf("no Chromium-family browser found, and CI is set: %s must be tested in a browser", what)
	}
	t.Skip("no Chromium-family browser found (set LEAKHOUND_BROWSER to one)")
	return ""
}
