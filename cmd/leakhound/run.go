package main

import (
	"fmt"
	"io"
	"strings"
)

// Exit codes. They are part of the command's interface: scripts and CI jobs
// branch on them, so their meaning never changes.
const (
	// exitOK means the report was printed (or help or the version was asked for).
	exitOK = 0
	// exitFound means -fail was given and blocked goroutines remain after
	// the filters.
	exitFound = 1
	// exitUsage means the command line or the input could not be used: a bad
	// flag, a missing or empty file, a format leakhound does not read, a URL
	// that did not answer, an output file that could not be written.
	exitUsage = 2
)

// run is the whole command with its process boundary passed in, so tests can
// call it directly; main only wires it to the real process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeMainUsage(stderr)
		return exitUsage
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "report":
		return runReport(rest, stdin, stdout, stderr)
	case "merge":
		return runMerge(rest, stdout, stderr)
	case "baseline":
		return runBaseline(rest, stdout, stderr)
	case "watch":
		return runWatch(rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		return runHelp(rest, stdout, stderr)
	case "version", "-version", "--version":
		return runVersion(rest, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "leakhound: unknown command %q; the commands are %s (leakhound -h for help)\n", cmd, strings.Join(commandNames, ", "))
		return exitUsage
	}
}

// runHelp prints the overview, or the full help of one command.
func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeMainUsage(stdout)
		return exitOK
	}
	switch args[0] {
	case "report":
		writeReportUsage(stdout, newReportFlags().fs)
		return exitOK
	case "merge":
		writeMergeUsage(stdout, newMergeFlags(io.Discard).fs)
		return exitOK
	case "baseline":
		fs, _ := newBaselineFlags(io.Discard)
		writeBaselineUsage(stdout, fs)
		return exitOK
	case "watch":
		writeWatchUsage(stdout, newWatchFlags().fs)
		return exitOK
	case "help":
		writeMainUsage(stdout)
		return exitOK
	case "version":
		fmt.Fprint(stdout, versionHelp)
		return exitOK
	}
	fmt.Fprintf(stderr, "leakhound help: unknown command %q; the commands are %s\n", args[0], strings.Join(commandNames, ", "))
	return exitUsage
}

// commandNames lists the subcommands, for messages that suggest them.
var commandNames = []string{"report", "merge", "baseline", "watch", "help", "version"}
