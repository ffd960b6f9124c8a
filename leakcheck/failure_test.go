package leakcheck

import (
	"errors"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

var errBroken = errors.New("the snapshot broke")

// breakLook makes one way of looking fail.
func breakLook(which string) Option {
	broken := func() (*profile.Snapshot, error) { return nil, errBroken }
	return optionFunc(func(c *config) {
		switch which {
		case "full":
			c.look.full = broken
			c.look.look = nil // so that every capture goes through full
		case "leaked":
			c.look.proof = func(bool) (*profile.Snapshot, error) { return broken() }
		}
	})
}

// TestCaptureFailures: when a look at the goroutines fails, the check
// reports a test error that carries the cause, and does not panic.
func TestCaptureFailures(t *testing.T) {
	for _, which := range []string{"full", "leaked"} {
		t.Run(which, func(t *testing.T) {
			if which == "leaked" && !profile.LeakProfileAvailable() {
				t.Skip("this runtime never asks for proof")
			}
			ft, _ := startCheck(t, "TestBroken", SettleBudget(leakBudget), breakLook(which))
			p := park()
			ft.runCleanups()
			p.stop()
			if !strings.Contains(ft.errorText(), "cannot check TestBroken") || !strings.Contains(ft.errorText(), errBroken.Error()) {
				t.Fatalf("the error does not say what failed:\n%s", ft.errorText())
			}
		})
	}
	t.Run("Find", func(t *testing.T) {
		if err := Find(breakLook("full")); !errors.Is(err, errBroken) {
			t.Fatalf("Find returned %v, want an error wrapping %v", err, errBroken)
		}
	})
}
