package leakcheck

import (
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/profile"
)

// A real leak from the Go toolchain's leak corpus, run under Check: grpc
// issue 3017 as reduced by the GoKer benchmark (Institute of Computing
// Technology and UNSW; MIT licence), kept in the Go source tree at
// src/runtime/testdata/testgoroutineleakprofile/goker/grpc3017.go. The
// logic below is that kernel's, without its profile output. Its leaked
// goroutines are started by time.AfterFunc, so they carry no label and no
// creator: the check must still find them.

type address3017 int
type subConn3017 int

type subConnCacheEntry3017 struct {
	sc            subConn3017
	cancel        func()
	abortDeleting bool
}

type lbCacheClientConn3017 struct {
	mu            sync.Mutex
	timeout       time.Duration
	subConnCache  map[address3017]*subConnCacheEntry3017
	subConnToAddr map[subConn3017]address3017
}

func (ccc *lbCacheClientConn3017) NewSubConn(addrs []address3017) subConn3017 {
	if len(addrs) != 1 {
		return subConn3017(1)
	}
	addr := addrs[0]
	ccc.mu.Lock()
	defer ccc.mu.Unlock()
	if entry, ok := ccc.subConnCache[addr]; ok {
		entry.cancel()
		delete(ccc.subConnCache, addr)
		return entry.sc
	}
	sc := subConn3017(1)
	ccc.subConnToAddr[sc] = addr
	return sc
}

func (ccc *lbCacheClientConn3017) RemoveSubConn(sc subConn3017) {
	ccc.mu.Lock()
	defer ccc.mu.Unlock()
	addr, ok := ccc.subConnToAddr[sc]
	if !ok {
		return
	}
	if entry, ok := ccc.subConnCache[addr]; ok {
		if entry.sc != sc {
			delete(ccc.subConnToAddr, sc)
		}
		return
	}
	entry := &subConnCacheEntry3017{sc: sc}
	ccc.subConnCache[addr] = entry
	timer := time.AfterFunc(ccc.timeout, func() {
		runtime.Gosched()
		ccc.mu.Lock()
		if entry.abortDeleting {
			return // the bug: the lock is never released
		}
		delete(ccc.subConnToAddr, sc)
		delete(ccc.subConnCache, addr)
		ccc.mu.Unlock()
	})
	entry.cancel = func() {
		if !timer.Stop() {
			entry.abortDeleting = true
		}
	}
}

// grpc3017 runs the kernel: 100 clients, each removing and re-adding a
// sub-connection 10,000 times while timers race to delete it.
func grpc3017() {
	for range 100 {
		go func() {
			done := make(chan struct{})
			ccc := &lbCacheClientConn3017{
				timeout:       time.Nanosecond,
				subConnCache:  make(map[address3017]*subConnCacheEntry3017),
				subConnToAddr: make(map[subConn3017]address3017),
			}
			sc := ccc.NewSubConn([]address3017{1})
			go func() {
				for range 10000 {
					ccc.RemoveSubConn(sc)
					sc = ccc.NewSubConn([]address3017{1})
				}
				close(done)
			}()
			<-done
		}()
	}
}

// TestHelperGrpc3017 runs the kernel under Check, in a copy of the test
// binary (its goroutines can never be released). After the check's
// verdict it counts, itself, the timer callbacks stuck on the lock, so the
// test can tell a missed leak from a run where the kernel's bug did not
// happen.
func TestHelperGrpc3017(t *testing.T) {
	helperMode(t)
	// Registered before Check, so it runs after the check's cleanup.
	t.Cleanup(func() { t.Logf("%s%d", grpc3017Witness, stuck3017()) })
	Check(t, SettleBudget(2*time.Second))
	grpc3017()
	// Let the clients run into the bug, as the corpus's harness does.
	time.Sleep(100 * time.Millisecond)
}

// grpc3017Witness starts the helper's line with its count.
const grpc3017Witness = "grpc3017 witness, callbacks stuck: "

// stuck3017 counts the kernel's timer callbacks blocked, not running. Once
// the check has given its verdict, the clients have long finished or are
// stuck too, so a callback blocked on the lock then is blocked for good.
func stuck3017() int {
	s, err := profile.Capture()
	if err != nil {
		return -1
	}
	n := 0
	for _, g := range s.Goroutines {
		if isRunning(g) {
			continue
		}
		for _, f := range g.Frames {
			if strings.HasSuffix(f.Func, "(*lbCacheClientConn3017).RemoveSubConn.func1") {
				n++
				break
			}
		}
	}
	return n
}

// TestCheckFindsGrpc3017 requires Check to fail the kernel's test, naming
// the timer callbacks stuck on the lock, in every run where the helper saw
// them stuck; a run where the kernel's bug did not happen proves nothing
// and is only logged.
func TestCheckFindsGrpc3017(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the kernel three times in a copy of the test binary")
	}
	triggered := 0
	for run := range 3 {
		code, out := runHelper(t, modeHelperTest, "TestHelperGrpc3017")
		_, after, ok := strings.Cut(out, grpc3017Witness)
		digits, _, _ := strings.Cut(after, "\n")
		stuck, err := strconv.Atoi(strings.TrimSpace(digits))
		switch {
		case !ok || err != nil || stuck < 0:
			t.Fatalf("run %d: the helper did not count the stuck callbacks (exit %d):\n%s", run+1, code, out)
		case stuck == 0:
			t.Logf("run %d: the kernel's bug did not happen (no callback stuck)", run+1)
			continue
		}
		triggered++
		// Failing the test, not merely shown as a goroutine no test can
		// be tied to: the test ran alone.
		if code == 0 || !strings.Contains(out, "RemoveSubConn.func1") || strings.Contains(out, "started outside any test's goroutines") {
			t.Fatalf("run %d: %d timer callbacks stuck on the lock were not reported (exit %d):\n%s", run+1, stuck, code, out)
		}
	}
	if triggered == 0 {
		t.Skip("the kernel's bug did not happen in any run: nothing to check")
	}
}
