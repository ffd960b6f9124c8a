package leakcheck

import (
	"os"
	"testing"
	"time"
)

// helperEnv selects, in a copy of this test binary started by a test, the
// TestMain that copy runs: "" for the ordinary one, or a mode below.
const helperEnv = "LEAKCHECK_TEST_HELPER"

// Helper modes.
const (
	modeVerifyMain     = "verifymain"      // VerifyTestMain with a short budget, sources not read
	modeVerifyMainSkip = "verifymain-skip" // the same, with SkipOnTestFailure
	modeHelperTest     = "helper-test"     // plain m.Run, to run one helper test
	modeAfterRun       = "after-run"       // m.Run, then VerifyTestMain: a misuse
	modeVerifyInit     = "verifymain-init" // VerifyTestMain, a package-level variable's worker blocked
	modeVerifyInitOK   = "verifymain-init-ignored"
	modeVerifyNoReruns = "verifymain-noreruns" // VerifyTestMain with NoReruns
)

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case modeVerifyMain:
		// Most helper runs are of this mode, and what they assert rests on
		// the stacks alone: reading the sources (type-checking this
		// package) made most of their time. The other modes read them.
		VerifyTestMain(m, SettleBudget(100*time.Millisecond), NoSource())
	case modeVerifyMainSkip:
		VerifyTestMain(m, SettleBudget(100*time.Millisecond), SkipOnTestFailure())
	case modeAfterRun:
		code := m.Run()
		VerifyTestMain(m, SettleBudget(100*time.Millisecond))
		os.Exit(code)
	case modeVerifyInit:
		VerifyTestMain(m, SettleBudget(100*time.Millisecond))
	case modeVerifyInitOK:
		VerifyTestMain(m, SettleBudget(100*time.Millisecond), IgnoreInitGoroutines())
	case modeVerifyNoReruns:
		VerifyTestMain(m, SettleBudget(100*time.Millisecond), NoReruns())
	default:
		os.Exit(m.Run())
	}
}

// helperMode returns the helper mode of this process, and skips t when it
// is an ordinary test run: helper tests only make sense in the copy of the
// binary a test starts.
func helperMode(t *testing.T) string {
	t.Helper()
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("runs only in a copy of the test binary started by another test")
	}
	return mode
}
