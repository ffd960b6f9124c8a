package editverify

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/leakhound/leakhound/internal/golden" // -update, taken by every test binary
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// gokerCase is one GoKer kernel as the Go toolchain's own leak test runs
// it: its name and whether that test calls it flaky (the leak shows only
// in some runs).
type gokerCase struct {
	name  string
	flaky bool
}

// gokerCaseRE finds the kernels in the toolchain's test, where each is
// listed as makeTest("Name", …) or makeFlakyTest("Name", …).
var gokerCaseRE = regexp.MustCompile(`(?m)^\s*make(Flaky)?Test\("([A-Z][a-z]+[0-9]+)"`)

// gokerCases reads the kernel list from the toolchain's own test, so this
// test runs exactly the kernels it does.
func gokerCases(t *testing.T, goroot string) []gokerCase {
	src, err := os.ReadFile(filepath.Join(goroot, "src", "runtime", "goroutineleakprofile_test.go"))
	if err != nil {
		t.Skipf("the toolchain has no goroutine leak test: %v", err)
	}
	var cases []gokerCase
	for _, m := range gokerCaseRE.FindAllSubmatch(src, -1) {
		cases = append(cases, gokerCase{name: string(m[2]), flaky: len(m[1]) > 0})
	}
	return cases
}

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
	goCmd, goroot, err := GoCommand()
	if err != nil {
		t.Skip(err)
	}
	kernels := filepath.Join(goroot, "src", "runtime", "testdata", "testgoroutineleakprofile", "goker")
	cases := gokerCases(t, goroot)
	if only := os.Getenv("LEAKHOUND_GOKER_RUN"); only != "" {
		// A subset, for working on a rule: the kernels whose names match.
		re, err := regexp.Compile(only)
		if err != nil {
			t.Fatalf("LEAKHOUND_GOKER_RUN: %v", err)
		}
		cases = slices.DeleteFunc(cases, func(c gokerCase) bool { return !re.MatchString(c.name) })
	}
	if len(cases) == 0 {
		t.Skip("no GoKer kernels listed in the toolchain's test")
	}
	dir := copyKernels(t, kernels)
	env := gokerBuildEnv(t, goCmd, dir)
	exe := filepath.Join(t.TempDir(), "goker")
	if out, err := goBuild(goCmd, dir, env, "", exe); err != nil {
		t.Fatalf("building the kernels: %v\n%s", err, out)
	}
	baseVet := vetFindings(goCmd, dir, env, "")

	var results []gokerResult
	for _, c := range cases {
		res := gokerResult{name: c.name}
		leaks, err := runKernel(t, exe, c, reps(c, false))
		if err != nil {
			t.Logf("%s fails before any edit: %v", c.name, err)
		}
		res.leaked = len(leaks)
		if len(leaks) == 0 {
			res.outcome = "no leak seen"
			results = append(results, res)
			continue
		}
		rep := report.New(leaks, report.Options{Title: c.name, ModuleRoot: dir})
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
		res.outcome, res.detail = verifyKernelEdit(t, goCmd, dir, env, edits, baseVet, c)
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

// reps is how many times a kernel runs: twice for the kernels the
// toolchain's test calls reliable, more for the flaky ones, and more again
// after the edit, where a leak must not show in any run.
func reps(c gokerCase, after bool) int {
	switch {
	case !c.flaky:
		return 2
	case after:
		return 12
	}
	return 6
}

// copyKernels copies the kernels into a module of their own.
func copyKernels(t *testing.T, from string) string {
	dir := t.TempDir()
	names, err := filepath.Glob(filepath.Join(from, "*.go"))
	if err != nil || len(names) == 0 {
		t.Skipf("no GoKer kernels at %s (%v)", from, err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(n)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module goker\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// gokerBuildEnv is the environment that builds the kernels with the leak
// profile: GOEXPERIMENT=goroutineleakprofile on toolchains that still
// have it as an experiment, nothing on those where it is standard.
func gokerBuildEnv(t *testing.T, goCmd, dir string) []string {
	env := append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	exp := append(slices.Clone(env), "GOEXPERIMENT=goroutineleakprofile")
	cmd := exec.Command(goCmd, "env", "GOEXPERIMENT")
	cmd.Dir, cmd.Env = dir, exp
	if out, err := cmd.CombinedOutput(); err == nil && strings.Contains(string(out), "goroutineleakprofile") {
		return exp
	}
	return env
}

func goBuild(goCmd, dir string, env []string, overlay, exe string) ([]byte, error) {
	args := []string{"build", "-o", exe}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	cmd := exec.Command(goCmd, append(args, ".")...)
	cmd.Dir, cmd.Env = dir, env
	return cmd.CombinedOutput()
}

// vetFindings returns go vet's findings without their positions (edits
// move lines), one per line.
func vetFindings(goCmd, dir string, env []string, overlay string) []string {
	args := []string{"vet"}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	cmd := exec.Command(goCmd, append(args, ".")...)
	cmd.Dir, cmd.Env = dir, env
	out, _ := cmd.CombinedOutput()
	pos := regexp.MustCompile(`^(\S+?\.go):\d+:\d+: `)
	var found []string
	for l := range strings.SplitSeq(string(out), "\n") {
		if m := pos.FindStringSubmatch(l); m != nil {
			// An overlay's file is reported under its own name.
			name := editedPrefix.ReplaceAllString(filepath.Base(m[1]), "")
			found = append(found, name+": "+l[len(m[0]):])
		}
	}
	return found
}

// editedPrefix is how Overlay names an edited file's copy.
var editedPrefix = regexp.MustCompile(`^edited\d+_`)

// runKernel runs one kernel n times as the toolchain's test does and
// returns the goroutines the leak profile proved leaked, over all runs,
// and the first failure of a run (a crash, a timeout).
func runKernel(t *testing.T, exe string, c gokerCase, n int) ([]report.Leak, error) {
	var leaks []report.Leak
	var failed error
	for range n {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := exec.CommandContext(ctx, exe, c.name)
		cmd.Env = append(os.Environ(), "GODEBUG=asyncpreemptoff=1")
		if !c.flaky {
			cmd.Env = append(cmd.Env, "GOMAXPROCS=1")
		}
		out, err := cmd.Output()
		cancel()
		if err != nil && failed == nil {
			failed = fmt.Errorf("%w\n%s", err, out)
		}
		snap, err := profile.ParseBytes(out)
		if err != nil {
			continue // no goroutine in the profile
		}
		for _, g := range snap.Goroutines {
			if g.Leaked {
				leaks = append(leaks, report.Leak{Goroutine: g, Test: c.name})
			}
		}
	}
	return leaks, failed
}

// verifyKernelEdit applies edits to the kernels (an overlay), rebuilds,
// vets and reruns the kernel.
func verifyKernelEdit(t *testing.T, goCmd, dir string, env []string, edits []report.Edit, baseVet []string, c gokerCase) (string, string) {
	tmp := t.TempDir()
	edited, err := report.EditFiles(edits)
	if err != nil {
		return "build fails", err.Error()
	}
	overlay, err := Overlay(tmp, edited, nil)
	if err != nil {
		return "build fails", err.Error()
	}
	exe := filepath.Join(tmp, "goker-edited")
	if out, err := goBuild(goCmd, dir, env, overlay, exe); err != nil {
		return "build fails", fmt.Sprintf("%v\n%s", err, out)
	}
	vet := vetFindings(goCmd, dir, env, overlay)
	var added []string
	for _, f := range vet {
		if i := slices.Index(baseVet, f); i >= 0 {
			baseVet = slices.Delete(slices.Clone(baseVet), i, i+1)
			continue
		}
		added = append(added, f)
	}
	if len(added) > 0 {
		return "vet fails", strings.Join(added, "\n")
	}
	leaks, err := runKernel(t, exe, c, reps(c, true))
	if err != nil {
		return "crashes", err.Error()
	}
	if len(leaks) > 0 {
		var b bytes.Buffer
		rep := report.New(leaks, report.Options{Title: c.name + " (edited)", ModuleRoot: dir, NoSource: true})
		rep.WriteText(&b)
		return "still leaks", b.String()
	}
	return "fixed", ""
}
