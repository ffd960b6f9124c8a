package leakcheck

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// deferredCheck is `defer goleak.VerifyNone(t)` turned into Check by a
// rename: it leaks a goroutine with Check deferred.
func deferredCheck(tb testing.TB) *parked {
	defer Check(tb, SettleBudget(leakBudget))
	return park()
}

// deferredCheckPanics defers Check in a test body that panics.
func deferredCheckPanics(tb testing.TB) (p *parked) {
	defer func() { recover() }()
	defer Check(tb, SettleBudget(leakBudget))
	p = park()
	panic("the test body fails")
}

// checkOnGoroutine calls Check on a goroutine the test started, which then
// leaks one.
func checkOnGoroutine(tb testing.TB) *parked {
	ch := make(chan *parked)
	go func() {
		Check(tb, SettleBudget(leakBudget))
		ch <- park()
	}()
	return <-ch
}

// directCheck is the right use, for contrast: it leaks and must fail with
// the report.
func directCheck(tb testing.TB) *parked {
	Check(tb, SettleBudget(leakBudget))
	return park()
}

// TestCheckMisuse: each misuse fails a leaking test with its fix; none
// passes it.
func TestCheckMisuse(t *testing.T) {
	tests := []struct {
		name string
		run  func(testing.TB) *parked
		want string
	}{
		{"deferred", deferredCheck, deferredCheckMsg},
		{"deferred, run by a panic", deferredCheckPanics, deferredCheckMsg},
		{"from a goroutine of the test", checkOnGoroutine, goroutineCheckMsg},
		{"direct (the right use)", directCheck, "goroutines started by this test are still running"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ft := newFakeTB(t, "TestLeaky")
			p := tt.run(ft)
			ft.runCleanups()
			p.stop()
			if !ft.failed() {
				t.Fatalf("a leaking test passed")
			}
			if got := ft.errorText(); !strings.Contains(got, tt.want) {
				t.Errorf("the failure says\n%s\nwant it to say\n%s", got, tt.want)
			}
		})
	}
}

// TestCheckNil: Check(nil), and a nil *testing.T, panic saying what to pass.
func TestCheckNil(t *testing.T) {
	var nilT *testing.T
	for name, tb := range map[string]testing.TB{"nil": nil, "nil *testing.T": nilT} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				got, _ := recover().(string)
				if got != nilCheckMsg {
					t.Errorf("Check(%s) panicked with %q, want %q", name, got, nilCheckMsg)
				}
			}()
			Check(tb)
		})
	}
}

// TestVerifyTestMainAfterRun: VerifyTestMain after m.Run says so, does not
// run the tests a second time, and fails the run even though the test
// leaked nothing it could report.
func TestVerifyTestMainAfterRun(t *testing.T) {
	code, out := runHelper(t, modeAfterRun, "TestHelperLeakDirect")
	if code == 0 {
		t.Errorf("exit code 0, want non-zero; output:\n%s", out)
	}
	if !strings.Contains(out, runTwiceMsg) {
		t.Errorf("output does not say %q:\n%s", runTwiceMsg, out)
	}
	if n := strings.Count(out, "=== RUN   TestHelperLeakDirect"); n != 1 {
		t.Errorf("the test ran %d times, want once:\n%s", n, out)
	}
}

// TestHelperVerifyNoneLeaks leaks a goroutine and fails its VerifyNone.
func TestHelperVerifyNoneLeaks(t *testing.T) {
	helperMode(t)
	go func() { <-helperBlock }()
	VerifyNone(t, SettleBudget(leakBudget))
}

// TestHelperVerifyNoneAfter runs after it: the same goroutine is still
// running, and must not fail this test too.
func TestHelperVerifyNoneAfter(t *testing.T) {
	helperMode(t)
	VerifyNone(t, SettleBudget(leakBudget))
}

// TestVerifyNoneLeftOver: one leaked goroutine fails the test that leaked
// it; later VerifyNone calls name it as left over from that test without
// failing, and VerifyTestMain does not report it a second time.
func TestVerifyNoneLeftOver(t *testing.T) {
	code, out := runHelper(t, modeVerifyMain, "TestHelperVerifyNoneLeaks|TestHelperVerifyNoneAfter")
	if code != 1 {
		t.Errorf("exit code %d, want 1 for the one failing test", code)
	}
	for _, want := range []string{
		"--- FAIL: TestHelperVerifyNoneLeaks",
		"--- PASS: TestHelperVerifyNoneAfter",
		"1 goroutine left over from TestHelperVerifyNoneLeaks, already reported, not failing again.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "outlived the tests") {
		t.Errorf("VerifyTestMain reported the goroutine again:\n%s", out)
	}
}

// TestLateCheckWithoutSource: where the source cannot tell a deferred
// call, a goroutine the test's goroutine started and that still runs
// shows that the body has run.
func TestLateCheckWithoutSource(t *testing.T) {
	if d, known := deferredInSource("/nonexistent/x_test.go", 10); d || known {
		t.Errorf("deferredInSource of a missing file = %v, %v; want not known", d, known)
	}
	gid := profile.CurrentID()
	if startedGoroutines(gid) {
		t.Fatal("goroutines started before any were")
	}
	p := park()
	defer p.stop()
	if !startedGoroutines(gid) {
		t.Error("the running goroutine this goroutine started was not seen")
	}
}
