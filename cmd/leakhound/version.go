package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// runVersion prints the module version the binary was built from (as go
// install records it) and the Go version, which decides what dumps the
// binary's own runtime would print.
func runVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "leakhound version: takes no arguments, got %q\n", args)
		return exitUsage
	}
	fmt.Fprintf(stdout, "leakhound %s (%s)\n", moduleVersion(), runtime.Version())
	return exitOK
}

// moduleVersion is the version go install stamped into the binary, or
// "(devel)" for a build from a work tree.
func moduleVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" {
		return "(devel)"
	}
	return info.Main.Version
}
