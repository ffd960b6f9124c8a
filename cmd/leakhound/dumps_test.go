package main

import (
	"bytes"
	"encoding/json"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/stacks"
)

// parked holds goroutines parked in known ways until release, so a dump
// taken meanwhile has a known content.
type parked struct {
	stop chan struct{}
	mu   sync.Mutex
	wg   sync.WaitGroup
}

// The functions goroutines park in. Their names are what the tests look
// for in reports, so they are distinct from anything else in the process.
func parkOnReceive(stop chan struct{}) { <-stop }

func parkInSelect(stop chan struct{}, never chan int) {
	select {
	case <-stop:
	case <-never:
	}
}

func parkOnMutex(mu *sync.Mutex) {
	mu.Lock()
	defer mu.Unlock()
}

// Counts of goroutines per shape; distinct so -min can tell groups apart.
const (
	nReceive = 7
	nSelect  = 3
	nMutex   = 2
)

// startBlocked starts the goroutines and waits until every one is parked;
// they are released when the test ends.
func startBlocked(t testing.TB) {
	t.Helper()
	b := &parked{stop: make(chan struct{})}
	never := make(chan int)
	b.mu.Lock()
	for range nReceive {
		b.wg.Go(func() { parkOnReceive(b.stop) })
	}
	for range nSelect {
		b.wg.Go(func() { parkInSelect(b.stop, never) })
	}
	for range nMutex {
		b.wg.Go(func() { parkOnMutex(&b.mu) })
	}
	t.Cleanup(func() {
		close(b.stop)
		b.mu.Unlock()
		b.wg.Wait()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := stackDump()
		if strings.Count(s, ".parkOnReceive(") >= nReceive &&
			strings.Count(s, ".parkInSelect(") >= nSelect &&
			strings.Count(s, ".parkOnMutex(") >= nMutex {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the test goroutines did not park within 20s:\n%s", s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stackDump is runtime.Stack of every goroutine, grown until it fits.
func stackDump() string { return string(stacks.All()) }

// profileDump writes the named pprof profile at the given debug level.
func profileDump(t testing.TB, name string, debug int) []byte {
	t.Helper()
	p := pprof.Lookup(name)
	if p == nil {
		t.Skipf("this runtime has no %s profile", name)
	}
	var buf bytes.Buffer
	if err := p.WriteTo(&buf, debug); err != nil {
		t.Fatalf("writing the %s profile: %v", name, err)
	}
	return buf.Bytes()
}

// testJSON wraps text the way go test -json reports a test's output: one
// "output" event per line.
func testJSON(t testing.TB, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	type event struct {
		Time    time.Time
		Action  string
		Package string
		Test    string `json:",omitempty"`
		Output  string `json:",omitempty"`
	}
	now := time.Now()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(enc.Encode(event{Time: now, Action: "start", Package: "example.com/p"}))
	must(enc.Encode(event{Time: now, Action: "run", Package: "example.com/p", Test: "TestDump"}))
	for _, line := range strings.SplitAfter(text, "\n") {
		if line == "" {
			continue
		}
		must(enc.Encode(event{Time: now, Action: "output", Package: "example.com/p", Test: "TestDump", Output: line}))
	}
	must(enc.Encode(event{Time: now, Action: "fail", Package: "example.com/p", Test: "TestDump"}))
	return buf.Bytes()
}
