package watch_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fleetEnv makes the test binary a simulated fleet instead of running
// tests: its value is "TARGETSxGOROUTINES". The soak runs the fleet in a
// process of its own so that what it measures of its own process is the
// watcher alone, not the targets' buffers and connections.
const fleetEnv = "LEAKHOUND_WATCH_FLEET"

// The fleet's dumps rotate: sizes vary by a quarter from look to look so
// counts move, and every 25 looks a target moves to another of
// fleetVariants variants, so groups come and go.
const (
	fleetVariants = 8
	fleetGroups   = 100
)

// fleetDump names one of the dumps a fleet serves: a size step (0–3) and
// a variant.
type fleetDump struct{ step, variant int }

// fleetDumpFor is the dump target serves at its look'th fetch.
func fleetDumpFor(target int, look int64) fleetDump {
	return fleetDump{step: int(look) % 4, variant: (int(look)/25 + target) % fleetVariants}
}

// serveFleet is the fleet process: it serves targets loopback servers
// whose goroutine dumps rotate as fleetDumpFor says, prints their URLs
// one a line and an empty line, and serves until its standard input
// closes (the watching process ended, however it ended).
func serveFleet(spec string) int {
	var targets, perDump int
	if _, err := fmt.Sscanf(spec, "%dx%d", &targets, &perDump); err != nil || targets <= 0 || perDump <= 0 {
		fmt.Fprintf(os.Stderr, "%s=%q: want TARGETSxGOROUTINES, such as 100x10000\n", fleetEnv, spec)
		return 2
	}
	// The 32 dumps are rendered once each, on first use, and shared by
	// every target: the fleet's CPU goes to serving, not to formatting,
	// on a machine the watcher shares with it.
	var cache sync.Map // fleetDump → func() []byte
	dump := func(d fleetDump) []byte {
		f, _ := cache.LoadOrStore(d, sync.OnceValue(func() []byte {
			return simDump(perDump*(4+d.step)/4, fleetGroups, d.variant*10)
		}))
		return f.(func() []byte)()
	}
	out := bufio.NewWriter(os.Stdout)
	for i := range targets {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintf(os.Stderr, "fleet: %v\n", err)
			return 1
		}
		var looks atomic.Int64
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/debug/pprof/goroutine" {
				http.NotFound(w, r)
				return
			}
			w.Write(dump(fleetDumpFor(i, looks.Add(1))))
		})}
		go srv.Serve(ln)
		fmt.Fprintf(out, "http://%s\n", ln.Addr())
	}
	fmt.Fprintln(out)
	if err := out.Flush(); err != nil {
		return 1
	}
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// startFleet runs the test binary as a fleet of targets serving perDump
// goroutines each (and more, up to 1.75 times, as the dumps rotate) and
// returns the targets' URLs; the test's cleanup ends it.
func startFleet(t *testing.T, targets, perDump int) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%dx%d", fleetEnv, targets, perDump))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the simulated fleet: %v", err)
	}
	t.Cleanup(func() {
		stdin.Close() // the fleet ends when its input does
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	var urls []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && sc.Text() != "" {
		urls = append(urls, sc.Text())
	}
	if len(urls) != targets {
		t.Fatalf("the simulated fleet listed %d targets, want %d (%v)", len(urls), targets, sc.Err())
	}
	return urls
}

// TestFleetRotates checks the fleet process: each target serves a dump
// whose size and variant follow fleetDumpFor, so the soak's watcher sees
// counts move and groups come and go.
func TestFleetRotates(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	urls := startFleet(t, 2, 40)
	get := func(u string) []byte {
		t.Helper()
		resp, err := http.Get(u + "/debug/pprof/goroutine?debug=2")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for target, u := range urls {
		for look := int64(1); look <= 30; look++ {
			d := fleetDumpFor(target, look)
			got := get(u)
			if want := simDump(40*(4+d.step)/4, fleetGroups, d.variant*10); !bytes.Equal(got, want) {
				t.Fatalf("target %d, fetch %d: got a dump of %d goroutines, want %d (variant %d)",
					target, look, bytes.Count(got, []byte("]:\n")), bytes.Count(want, []byte("]:\n")), d.variant)
			}
		}
	}
	if resp, err := http.Get(urls[0] + "/debug/pprof/goroutineleak?debug=2"); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the leak profile answered %s, want 404: the fleet serves none", resp.Status)
	}
}
