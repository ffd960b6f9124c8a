package main

import (
	_ "embed"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/internal/adopt"
)

// testHelp is "leakhound help test".
//
//go:embed help_test.txt
var testHelp string

// initHelp is "leakhound help init".
//
//go:embed help_init.txt
var initHelp string

// runTest is "leakhound test": its own flags come first, the rest is go
// test's.
func runTest(args []string, stdout, stderr io.Writer) int {
	o := adopt.TestOptions{ReportDir: "leakhound-report", Env: os.Environ(), Stdout: stdout, Stderr: stderr, Dir: "."}
	if v := moduleVersion(); v != "(devel)" {
		o.Version = v
	}
	for len(args) > 0 {
		name, value, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		if !strings.HasPrefix(args[0], "-") || (name != "report" && name != "source" && name != "h" && name != "help") {
			break
		}
		if name == "h" || name == "help" {
			io.WriteString(stdout, testHelp)
			return exitOK
		}
		if !hasValue {
			if len(args) < 2 {
				fmt.Fprintf(stderr, "leakhound test: -%s needs a directory\n", name)
				return exitUsage
			}
			value, args = args[1], args[1:]
		}
		args = args[1:]
		if name == "report" {
			o.ReportDir = value
		} else {
			o.Source = value
		}
	}
	if abs, err := filepath.Abs(o.ReportDir); err == nil {
		o.ReportDir = abs
	}
	o.Args = args
	code, err := adopt.Test(o)
	if err != nil {
		fmt.Fprintf(stderr, "leakhound test: %v\n", err)
		return max(code, exitUsage)
	}
	return code
}

// runInit is "leakhound init".
func runInit(args []string, stdout, stderr io.Writer) int {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			io.WriteString(stdout, initHelp)
			return exitOK
		}
		if strings.HasPrefix(a, "-") {
			fmt.Fprintf(stderr, "leakhound init: unknown flag %s; it takes only packages\n", a)
			return exitUsage
		}
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	pkgs, err := adopt.List(".", nil, args)
	if err != nil {
		fmt.Fprintf(stderr, "leakhound init: %v\n", err)
		return exitUsage
	}
	plans, err := adopt.PlanAll(pkgs)
	if err != nil {
		fmt.Fprintf(stderr, "leakhound init: %v\n", err)
		return exitUsage
	}
	written, err := adopt.Write(plans)
	for _, pl := range plans {
		for _, c := range pl.Changes {
			verb := "edited "
			if c.Created {
				verb = "created"
			}
			fmt.Fprintf(stdout, "%s %s\n", verb, relative(c.Path))
		}
		if !pl.Checked && len(pl.Changes) == 0 && pl.How != adopt.HowNoTests {
			fmt.Fprintf(stdout, "%s: %s\n", pl.ImportPath, pl.How)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "leakhound init: %v\n", err)
		return exitUsage
	}
	if len(written) == 0 {
		fmt.Fprintln(stdout, "leakhound init: nothing to change")
	}
	return exitOK
}

// relative shows path relative to the working directory when it is below it.
func relative(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}
