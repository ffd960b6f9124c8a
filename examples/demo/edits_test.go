package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/examples/internal/harness"
	"github.com/leakhound/leakhound/internal/editverify"
	"github.com/leakhound/leakhound/internal/testenv"
	"github.com/leakhound/leakhound/report"
)

// noSafeEdit lists the examples for which leakhound suggests no edit, and
// why none is safe. Every other example must get one.
var noSafeEdit = map[string]string{
	"selectloop": "LeakyRun has no context to select on; adding a parameter changes its callers",
	"nosender":   "the follower has no context and the channel belongs to the caller, who must close it",
}

// TestSuggestedEditsRemoveLeaks runs every leaky example, takes the edits
// leakhound suggests for it, applies them to a copy of the code (a go
// build overlay) and checks that the example then builds, passes go vet
// and leaves no goroutine behind when its leaky steps run again.
func TestSuggestedEditsRemoveLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every example with its edits applied")
	}
	goCmd := testenv.GoCommand(t)
	root := harness.ModuleRoot()
	for _, s := range scenarios() {
		t.Run(s.Name, func(t *testing.T) {
			rep := leakReport(t, s)
			edits := rep.Edits()
			if why, none := noSafeEdit[s.Name]; none {
				if len(edits) > 0 {
					t.Fatalf("want no edit (%s), got %v", why, edits)
				}
				for _, g := range rep.Groups {
					if g.Diagnosis.NoEdit == "" {
						t.Errorf("group at %s:%d neither has an edit nor says why not", g.Block.File, g.Block.Line)
					}
				}
				return
			}
			if len(edits) == 0 {
				var b strings.Builder
				rep.WriteText(&b)
				t.Fatalf("no edit suggested:\n%s", b.String())
			}
			pkgDir := filepath.Join(root, "examples", s.Name)
			test := fmt.Sprintf("package %s\n\nimport (\n\t\"testing\"\n\n\t\"github.com/leakhound/leakhound/examples/internal/leaktest\"\n)\n\n"+
				"func TestLeakhoundSuggestedEdit(t *testing.T) { leaktest.EditRemovesLeak(t, Scenario()) }\n", s.Name)
			edited, err := report.EditFiles(edits)
			if err != nil {
				t.Fatal(err)
			}
			overlay, err := editverify.Overlay(t.TempDir(), edited,
				map[string][]byte{filepath.Join(pkgDir, "leakhound_edit_test.go"): []byte(test)})
			if err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"vet", "-overlay", overlay, "./" + s.Name},
				{"test", "-overlay", overlay, "-count=1", "-run", "^TestLeakhoundSuggestedEdit$", "./" + s.Name},
			} {
				cmd := exec.Command(goCmd, args...)
				cmd.Dir = filepath.Join(root, "examples") // the examples' own module
				cmd.Env = append(os.Environ(), "GOFLAGS=")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("go %s: %v\n%s\nedits: %+v", args[0], err, out, edits)
				}
			}
		})
	}
}

// leakReport runs s's leaky version, reports what it leaves behind and
// releases it.
func leakReport(t *testing.T, s harness.Scenario) *report.Report {
	t.Helper()
	run, err := harness.Start(s)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := run.Release(); err != nil {
			t.Error(err)
		}
	}()
	gs, err := run.Settle(settleBudget, nil)
	if err != nil {
		t.Fatal(err)
	}
	return run.Report(gs)
}
