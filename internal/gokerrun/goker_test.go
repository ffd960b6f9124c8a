package gokerrun

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/explain"
	"github.com/leakhound/leakhound/internal/editverify"
	"github.com/leakhound/leakhound/report"
)

// gokerResult is what happened to one kernel.
type gokerResult struct {
	name     string
	leaked   int    // leaked goroutines seen before the edit
	patterns string // the diagnosis of each leaked group
	edits    int
	outcome  string // "fixed", "still leaks", "crashes", "no edit", "no leak seen", "build fails", "vet fails"
	detail   string
}

// TestGoKerEdits runs the GoKer kernels the Go toolchain's leak test runs,
// reports their leaks with source, applies the suggested edits to a copy
// of the kernels, and checks that the edited program builds, adds no go vet
// finding, and no longer leaks. It logs one line per kernel and the totals
// BENCHMARKS.md quotes. It takes minutes, so it runs only with
// LEAKHOUND_GOKER=1 (and needs a -timeout above go test's 10m default on a
// loaded machine).
func TestGoKerEdits(t *testing.T) {
	if os.Getenv("LEAKHOUND_GOKER") == "" {
		t.Skip("set LEAKHOUND_GOKER=1 to build and run the GoKer kernels with the suggested edits (minutes)")
	}
	goCmd, goroot, err := editverify.GoCommand()
	if err != nil {
		t.Skip(err)
	}
	cases, err := Kernels(goroot)
	if err != nil {
		t.Skip(err)
	}
	if only := os.Getenv("LEAKHOUND_GOKER_RUN"); only != "" {
		// A subset, for working on a rule: the kernels whose names match.
		re, err := regexp.Compile(only)
		if err != nil {
			t.Fatalf("LEAKHOUND_GOKER_RUN: %v", err)
		}
		cases = slices.DeleteFunc(cases, func(c Kernel) bool { return !re.MatchString(c.Name) })
	}
	if len(cases) == 0 {
		t.Skip("no GoKer kernels listed in the toolchain's test")
	}
	dir := t.TempDir()
	if err := CopyKernels(KernelsDir(goroot), dir); err != nil {
		t.Skip(err)
	}
	env := KernelBuildEnv(goCmd, dir)
	exe := filepath.Join(t.TempDir(), "goker")
	if out, err := BuildKernels(goCmd, dir, env, "", exe); err != nil {
		t.Fatalf("building the kernels: %v\n%s", err, out)
	}
	baseVet := VetFindings(goCmd, dir, env, "")

	var results []gokerResult
	for _, c := range cases {
		res := gokerResult{name: c.Name}
		leaks, err := RunKernel(exe, c, Reps(c, false))
		if err != nil {
			t.Logf("%s fails before any edit: %v", c.Name, err)
		}
		res.leaked = len(leaks)
		if len(leaks) == 0 {
			res.outcome = "no leak seen"
			results = append(results, res)
			continue
		}
		rep := report.New(leaks, report.Options{Title: c.Name, ModuleRoot: dir})
		explain.Report(rep, explain.Options{})
		var pats []string
		for _, g := range rep.Groups {
			p := g.Diagnosis.PatternID
			if g.Diagnosis.Suggestion == nil && g.Diagnosis.NoEdit != "" {
				p += " (" + g.Diagnosis.NoEdit + ")"
			}
			pats = append(pats, p)
		}
		res.patterns = strings.Join(pats, "; ")
		edits := rep.Edits()
		res.edits = len(edits)
		if len(edits) == 0 {
			res.outcome = "no edit"
			results = append(results, res)
			continue
		}
		o := VerifyKernelEdits(goCmd, dir, t.TempDir(), env, edits, baseVet, c)
		res.outcome, res.detail = o.Outcome, o.Detail
		if res.outcome != "fixed" {
			var b strings.Builder
			rep.WriteText(&b)
			res.detail += "\n" + b.String()
		}
		results = append(results, res)
	}

	counts := map[string]int{}
	for _, r := range results {
		counts[r.outcome]++
		t.Logf("%-16s leaked %-3d edits %-2d %-12s %s", r.name, r.leaked, r.edits, r.outcome, r.patterns)
		if r.outcome != "fixed" && r.detail != "" {
			t.Logf("    %s", strings.ReplaceAll(strings.TrimSpace(r.detail), "\n", "\n    "))
		}
	}
	t.Logf("%d kernels: %d fixed by the suggested edit, %d still leak, %d edits that break the build, vet or the "+
		"run, %d with no edit, %d with no leak seen", len(results), counts["fixed"], counts["still leaks"],
		counts["build fails"]+counts["vet fails"]+counts["crashes"], counts["no edit"], counts["no leak seen"])
	if n := counts["build fails"] + counts["vet fails"] + counts["crashes"]; n > 0 {
		t.Errorf("%d suggested edits break the build, add go vet findings or make the kernel fail", n)
	}
	if edited := counts["fixed"] + counts["still leaks"]; edited > 0 && counts["fixed"]*10 < edited*7 {
		t.Errorf("the suggested edits removed the leak in %d of %d edited kernels, fewer than 70%%", counts["fixed"], edited)
	}
}
