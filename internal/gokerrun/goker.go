// Package gokerrun builds and runs the GoKer kernels of the Go toolchain's
// leak corpus (GOROOT/src/runtime/testdata/testgoroutineleakprofile/goker),
// reports their leaks, and verifies suggested edits on a copy of them in a
// go build overlay: the harness the edit and fix measurements share.
package gokerrun

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/editverify"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// Kernel is one GoKer kernel as the Go toolchain's own leak test runs it:
// its name and whether that test calls it flaky (the leak shows only in
// some runs).
type Kernel struct {
	Name  string
	Flaky bool
}

// kernelRE finds the kernels in the toolchain's test, where each is
// listed as makeTest("Name", …) or makeFlakyTest("Name", …).
var kernelRE = regexp.MustCompile(`(?m)^\s*make(Flaky)?Test\("([A-Z][a-z]+[0-9]+)"`)

// KernelsDir is where the toolchain keeps the GoKer kernels, under GOROOT.
func KernelsDir(goroot string) string {
	return filepath.Join(goroot, "src", "runtime", "testdata", "testgoroutineleakprofile", "goker")
}

// Kernels reads the kernel list from the toolchain's own test, so the
// harness runs exactly the kernels it does. An error means the toolchain
// has no such test.
func Kernels(goroot string) ([]Kernel, error) {
	src, err := os.ReadFile(filepath.Join(goroot, "src", "runtime", "goroutineleakprofile_test.go"))
	if err != nil {
		return nil, fmt.Errorf("the toolchain has no goroutine leak test: %w", err)
	}
	var ks []Kernel
	for _, m := range kernelRE.FindAllSubmatch(src, -1) {
		ks = append(ks, Kernel{Name: string(m[2]), Flaky: len(m[1]) > 0})
	}
	return ks, nil
}

// Reps is how many times a kernel runs: twice for the kernels the
// toolchain's test calls reliable, more for the flaky ones, and more again
// after an edit, where a leak must not show in any run.
func Reps(k Kernel, after bool) int {
	switch {
	case !k.Flaky:
		return 2
	case after:
		return 12
	}
	return 6
}

// CopyKernels copies the kernels from the toolchain into dir, a module of
// their own.
func CopyKernels(from, dir string) error {
	names, err := filepath.Glob(filepath.Join(from, "*.go"))
	if err != nil || len(names) == 0 {
		return fmt.Errorf("no GoKer kernels at %s (%v)", from, err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(n)), b, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module goker\n\ngo 1.26\n"), 0o644)
}

// KernelBuildEnv is the environment that builds the kernels with the leak
// profile: GOEXPERIMENT=goroutineleakprofile on toolchains that still
// have it as an experiment, nothing on those where it is standard.
func KernelBuildEnv(goCmd, dir string) []string {
	env := append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	exp := append(slices.Clone(env), "GOEXPERIMENT=goroutineleakprofile")
	cmd := exec.Command(goCmd, "env", "GOEXPERIMENT")
	cmd.Dir, cmd.Env = dir, exp
	if out, err := cmd.CombinedOutput(); err == nil && strings.Contains(string(out), "goroutineleakprofile") {
		return exp
	}
	return env
}

// BuildKernels builds the kernels in dir into exe, with the overlay when
// given.
func BuildKernels(goCmd, dir string, env []string, overlay, exe string) ([]byte, error) {
	args := []string{"build", "-o", exe}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	cmd := exec.Command(goCmd, append(args, ".")...)
	cmd.Dir, cmd.Env = dir, env
	return cmd.CombinedOutput()
}

// VetFindings returns go vet's findings on dir's package without their
// positions (edits move lines), one per line.
func VetFindings(goCmd, dir string, env []string, overlay string) []string {
	args := []string{"vet"}
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	cmd := exec.Command(goCmd, append(args, ".")...)
	cmd.Dir, cmd.Env = dir, env
	out, _ := cmd.CombinedOutput()
	return editverify.Findings(out)
}

// RunKernel runs one kernel n times as the toolchain's test does and
// returns the goroutines the leak profile proved leaked, over all runs,
// and the first failure of a run (a crash, a timeout).
func RunKernel(exe string, k Kernel, n int) ([]report.Leak, error) {
	var leaks []report.Leak
	var failed error
	for range n {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := exec.CommandContext(ctx, exe, k.Name)
		cmd.Env = append(os.Environ(), "GODEBUG=asyncpreemptoff=1")
		if !k.Flaky {
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
				leaks = append(leaks, report.Leak{Goroutine: g, Test: k.Name})
			}
		}
	}
	return leaks, failed
}

// KernelOutcome is what applying edits to a kernel did: "fixed", "still
// leaks", "crashes", "build fails", "vet fails"; Detail is the evidence.
type KernelOutcome struct {
	Outcome, Detail string
}

// VerifyKernelEdits applies edits to the kernels in dir (an overlay under
// tmp), rebuilds, vets against baseVet and reruns kernel k.
func VerifyKernelEdits(goCmd, dir, tmp string, env []string, edits []report.Edit, baseVet []string, k Kernel) KernelOutcome {
	edited, err := report.EditFiles(edits)
	if err != nil {
		return KernelOutcome{Outcome: "build fails", Detail: err.Error()}
	}
	overlay, err := editverify.Overlay(tmp, edited, nil)
	if err != nil {
		return KernelOutcome{"build fails", err.Error()}
	}
	exe := filepath.Join(tmp, "goker-edited")
	if out, err := BuildKernels(goCmd, dir, env, overlay, exe); err != nil {
		return KernelOutcome{"build fails", fmt.Sprintf("%v\n%s", err, out)}
	}
	if added := editverify.NewFindings(VetFindings(goCmd, dir, env, overlay), baseVet); len(added) > 0 {
		return KernelOutcome{"vet fails", strings.Join(added, "\n")}
	}
	leaks, err := RunKernel(exe, k, Reps(k, true))
	if err != nil {
		return KernelOutcome{"crashes", err.Error()}
	}
	if len(leaks) > 0 {
		var b strings.Builder
		rep := report.New(leaks, report.Options{Title: k.Name + " (edited)", ModuleRoot: dir, NoSource: true})
		rep.WriteText(&b)
		return KernelOutcome{"still leaks", b.String()}
	}
	return KernelOutcome{"fixed", ""}
}
