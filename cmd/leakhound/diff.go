package main

import (
	"fmt"
	"io"
	"os"

	"github.com/leakhound/leakhound/report"
)

// writeDiff is "leakhound report -diff": every suggested edit of the
// report as one unified diff on stdout, in place of the text report. Paths
// are relative to -root, or to the current directory without it, so the
// diff applies from there with git apply or patch -p0. It says on stderr
// when there is nothing to apply, which edits it left out, and that the
// edits are unverified (leakhound fix verifies them).
func writeDiff(rep *report.Report, root string, stdout, stderr io.Writer) int {
	if root == "" {
		if wd, err := os.Getwd(); err == nil {
			root = wd
		}
	}
	saved := rep.ModuleRoot
	rep.ModuleRoot = root
	defer func() { rep.ModuleRoot = saved }()
	edits := rep.Edits()
	if len(edits) == 0 {
		fmt.Fprintln(stderr, "leakhound report: -diff: no group has a safe mechanical edit; the text report says why for each")
		return exitOK
	}
	if err := rep.WriteDiff(stdout); err != nil {
		fmt.Fprintf(stderr, "leakhound report: -diff: %v\n", err)
		return exitUsage
	}
	// The diff itself cannot carry the label the text report gives each
	// edit, so it goes to stderr.
	fmt.Fprintln(stderr, "leakhound report: -diff: these edits are unverified; leakhound fix applies them to a copy, reruns the tests that leaked and prints only those that pass")
	return exitOK
}
