package fixrun

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/explain"
	"github.com/leakhound/leakhound/internal/editverify"
	"github.com/leakhound/leakhound/internal/gokerrun"
	"github.com/leakhound/leakhound/report"
)

// TestFixGoKer measures fix's candidates on the GoKer kernels the Go
// toolchain's leak test runs: for each kernel that leaks, the candidates
// fix would try (the report's suggestions alone and together, then fix's
// own) are applied in turn through an overlay; a kernel counts as
// verified when one builds, adds no go vet finding and leaves no leak in
// any rerun. The kernels are programs, not tests, so the harness runs
// them as the toolchain does (internal/editverify). It takes minutes, so
// it runs only with LEAKHOUND_GOKER=1 (LEAKHOUND_GOKER_RUN=regexp for a
// subset). Every verified patch is then written as fix's -diff writes
// it, applied with git apply to a fresh copy of the kernels, and the
// kernel rebuilt and rerun there: it must leave no leak in any run.
func TestFixGoKer(t *testing.T) {
	if os.Getenv("LEAKHOUND_GOKER") == "" {
		t.Skip("set LEAKHOUND_GOKER=1 to try fix's candidates on the GoKer kernels (minutes)")
	}
	goCmd, goroot, err := editverify.GoCommand()
	if err != nil {
		t.Skip(err)
	}
	kernels, err := gokerrun.Kernels(goroot)
	if err != nil {
		t.Skip(err)
	}
	if only := os.Getenv("LEAKHOUND_GOKER_RUN"); only != "" {
		re, err := regexp.Compile(only)
		if err != nil {
			t.Fatalf("LEAKHOUND_GOKER_RUN: %v", err)
		}
		kernels = slices.DeleteFunc(kernels, func(k gokerrun.Kernel) bool { return !re.MatchString(k.Name) })
	}
	dir := t.TempDir()
	if err := gokerrun.CopyKernels(gokerrun.KernelsDir(goroot), dir); err != nil {
		t.Skip(err)
	}
	env := gokerrun.KernelBuildEnv(goCmd, dir)
	exe := filepath.Join(t.TempDir(), "goker")
	if out, err := gokerrun.BuildKernels(goCmd, dir, env, "", exe); err != nil {
		t.Fatalf("building the kernels: %v\n%s", err, out)
	}
	baseVet := gokerrun.VetFindings(goCmd, dir, env, "")
	s := &session{module: dir}
	var leaking, verified, own int
	var table []string
	for _, k := range kernels {
		leaks, _ := gokerrun.RunKernel(exe, k, gokerrun.Reps(k, false))
		if len(leaks) == 0 {
			continue
		}
		leaking++
		rep := report.New(leaks, report.Options{Title: k.Name, ModuleRoot: dir})
		explain.Report(rep, explain.Options{})
		tg := &target{pkg: "goker", tests: []string{k.Name}}
		for _, g := range rep.Groups {
			tg.groups = append(tg.groups, g)
			tg.reports = append(tg.reports, rep)
		}
		cands := s.candidates(tg)
		state, tried := "no candidate", []string{}
		for _, c := range cands {
			o := gokerrun.VerifyKernelEdits(goCmd, dir, t.TempDir(), env, c.edits, baseVet, k)
			tried = append(tried, fmt.Sprintf("%s: %s", c.summary, o.Outcome))
			if o.Outcome == "fixed" {
				if why := applyKernelPatch(t, goCmd, goroot, env, k, dir, c.edits); why != "" {
					t.Errorf("%s: the verified patch, applied by hand, %s", k.Name, why)
				}
				verified++
				state = "verified"
				if c.from == speculativeFrom {
					own++
					state = "verified (fix's own)"
				}
				break
			}
			state = "no verified fix"
		}
		row := fmt.Sprintf("%-16s %-22s %d candidates  %s", k.Name, state, len(cands), strings.Join(tried, "; "))
		t.Log(row) // as it comes: the whole run takes many minutes
		table = append(table, row)
	}
	t.Logf("%d of %d leaking kernels get a verified patch (%d from fix's own candidates)\n%s",
		verified, leaking, own, strings.Join(table, "\n"))
}

// applyKernelPatch writes edits (of the kernels in dir) as fix's -diff
// does, applies the diff with git apply to a fresh copy of the kernels,
// rebuilds them there and reruns kernel k as after an edit. It returns
// what went wrong, "" when the kernel leaks in no run.
func applyKernelPatch(t *testing.T, goCmd, goroot string, env []string, k gokerrun.Kernel, dir string, edits []report.Edit) string {
	t.Helper()
	res := &Result{Module: dir, Groups: []*GroupResult{{Verified: &Attempt{Edits: edits}}}}
	var diff bytes.Buffer
	if err := res.WriteDiff(&diff); err != nil {
		return fmt.Sprintf("cannot be written as a diff: %v", err)
	}
	fresh := t.TempDir()
	if err := gokerrun.CopyKernels(gokerrun.KernelsDir(goroot), fresh); err != nil {
		t.Fatal(err)
	}
	apply := exec.Command("git", "apply", "-")
	apply.Dir, apply.Stdin = fresh, bytes.NewReader(diff.Bytes())
	if out, err := apply.CombinedOutput(); err != nil {
		return fmt.Sprintf("is not taken by git apply: %v\n%s\n%s", err, out, diff.String())
	}
	exe := filepath.Join(t.TempDir(), "goker")
	if out, err := gokerrun.BuildKernels(goCmd, fresh, env, "", exe); err != nil {
		return fmt.Sprintf("does not build: %v\n%s", err, out)
	}
	leaks, err := gokerrun.RunKernel(exe, k, gokerrun.Reps(k, true))
	switch {
	case err != nil:
		return fmt.Sprintf("crashes the kernel: %v", err)
	case len(leaks) > 0:
		return fmt.Sprintf("still leaks %d goroutine(s)\n%s", len(leaks), diff.String())
	}
	return ""
}
