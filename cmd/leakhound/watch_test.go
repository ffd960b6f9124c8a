package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/testservice"
)

// loadLoop sends bursts of n requests to s's /work, pausing between
// bursts, until the test ends.
func loadLoop(t *testing.T, s *testservice.Service, n int, pause time.Duration) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() { close(stop); wg.Wait() })
	wg.Go(func() {
		for {
			for range n {
				if err := s.Get("/work"); err != nil {
					return // the service was stopped
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(pause):
			}
		}
	})
}

// TestWatchService runs "leakhound watch" against real services on
// loopback under a load loop: it flags exactly the leaking group, with its
// lines, explanation and fix, and fails on it; bursts that drain pass.
func TestWatchService(t *testing.T) {
	tests := []struct {
		name, toolchain, mode, failOn string
		burst                         int
		pause                         time.Duration
		code                          int
		want                          []string // in stdout
		notWant                       []string
	}{
		{"leak, Go 1.26", testservice.GoWithout, "leak", "growing", 1, 10 * time.Millisecond, exitFound, []string{
			"[growing]", "main.leakOne.func1", "service/main.go:", "created at", "why:", "fix:",
			"judged by growth only",
		}, []string{"[proven]", "Serving the runtime's leak profile"}},
		{"leak, Go 1.27", testservice.GoWith, "leak", "proven", 1, 10 * time.Millisecond, exitFound, []string{
			"[proven]", "main.leakOne.func1", "proven leaked by the Go runtime's leak profile", "Serving the runtime's leak profile",
		}, []string{"judged by growth only"}},
		{"bursts that drain", testservice.GoWithout, "bursts", "growing", 10, 400 * time.Millisecond, exitOK, []string{
			"no group was proven leaked or growing",
		}, []string{"[growing]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := testservice.Start(t, tt.toolchain, tt.mode, "127.0.0.1:0")
			loadLoop(t, s, tt.burst, tt.pause)
			dir := t.TempDir()
			html, js := filepath.Join(dir, "w.html"), filepath.Join(dir, "w.json")
			var stdout, stderr bytes.Buffer
			code := run([]string{"watch", "-every", "100ms", "-for", "3s", "-fail-on", tt.failOn, "-html", html, "-json", js, s.URL}, nil, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, &stdout, &stderr)
			}
			out := stdout.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out, w) {
					t.Errorf("stdout has %q:\n%s", w, out)
				}
			}
			if flagged := strings.Count(out, "\n["); tt.code == exitFound && flagged != 1 {
				t.Errorf("%d groups flagged, want exactly the leaking one:\n%s", flagged, out)
			}
			if !strings.Contains(stderr.String(), "first look:") {
				t.Errorf("no live summary on stderr:\n%s", &stderr)
			}
			page, err := os.ReadFile(html)
			if err != nil {
				t.Fatal(err)
			}
			if tt.code == exitFound && !bytes.Contains(page, []byte(`<svg class="spark"`)) {
				t.Error("the HTML page has no sparkline")
			}
			var doc struct {
				Looks   int
				Targets []struct {
					LeakProfile bool `json:"leak_profile"`
				}
				Groups []struct{ Verdict string }
				Report json.RawMessage
			}
			data, err := os.ReadFile(js)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatalf("the JSON does not parse: %v", err)
			}
			if doc.Looks < 4 || len(doc.Targets) != 1 || len(doc.Report) == 0 {
				t.Errorf("JSON: %d looks, %d targets, report %d bytes", doc.Looks, len(doc.Targets), len(doc.Report))
			}
			if got, want := doc.Targets[0].LeakProfile, tt.toolchain == testservice.GoWith; got != want {
				t.Errorf("JSON leak_profile = %v, want %v", got, want)
			}
		})
	}
}

// TestWatchBaseline checks that a leak in the -known baseline is reported
// but does not fail the watch.
func TestWatchBaseline(t *testing.T) {
	s := testservice.Start(t, testservice.GoWithout, "leak", "127.0.0.1:0")
	loadLoop(t, s, 1, 10*time.Millisecond)
	dir := t.TempDir()
	js := filepath.Join(dir, "w.json")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"watch", "-every", "100ms", "-for", "2s", "-json", js, s.URL}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d without -fail-on\n%s", code, &stderr)
	}
	var doc struct {
		Groups []struct {
			Fingerprint string `json:"report_fingerprint"`
		}
	}
	data, _ := os.ReadFile(js)
	if err := json.Unmarshal(data, &doc); err != nil || len(doc.Groups) != 1 {
		t.Fatalf("want one flagged group in the JSON (%v):\n%s", err, data)
	}
	base := filepath.Join(dir, "baseline.txt")
	if err := os.WriteFile(base, []byte(doc.Groups[0].Fingerprint+" the leak of the test service\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if code := run([]string{"watch", "-every", "100ms", "-for", "2s", "-fail-on", "growing", "-known", base, s.URL}, nil, &stdout, &stderr); code != exitOK {
		t.Errorf("exit %d with the leak in the baseline, want 0\n%s", code, &stdout)
	}
	if !strings.Contains(stdout.String(), "(known: in the baseline)") {
		t.Errorf("the known leak is not reported as known:\n%s", &stdout)
	}
}

func TestWatchUsage(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "targets.txt")
	os.WriteFile(list, []byte("# fleet\nhttp://127.0.0.1:1\nlocalhost:6060\n"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no target", []string{"watch"}, "no target"},
		{"not http", []string{"watch", "ftp://example.com"}, "neither an http:// or https:// URL nor a file"},
		{"bad -fail-on", []string{"watch", "-fail-on", "stable", "http://127.0.0.1:1"}, "-fail-on takes proven or growing"},
		{"bad -every", []string{"watch", "-every", "0s", "http://127.0.0.1:1"}, "-every must be positive"},
		{"bad line in a list", []string{"watch", list}, `targets.txt:3: "localhost:6060" is not an http:// or https:// URL`},
		{"nothing answers", []string{"watch", "-every", "10ms", "-for", "50ms", "-timeout", "1s", "http://127.0.0.1:1"}, "no target answered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, nil, &stdout, &stderr); code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, &stderr)
			}
		})
	}
}
