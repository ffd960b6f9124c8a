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
	case "help", "-h", "-help", "--help":
		return runHelp(rest, stdout, stderr)
	case "version", "-version", "--version":
		return runVersion(rest, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "leakhound: unknown command %q\n\n", cmd)
		writeMainUsage(stderr)
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
		writeReportUsage(stdout, newReportFlags(io.Discard).fs)
		return exitOK
	case "merge":
		writeMergeUsage(stdout, newMergeFlags(io.Discard).fs)
		return exitOK
	case "baseline":
		fs, _ := newBaselineFlags(io.Discard)
		writeBaselineUsage(stdout, fs)
		return exitOK
	case "help":
		writeMainUsage(stdout)
		return exitOK
	case "version":
		fmt.Fprintln(stdout, "usage: leakhound version\n\nPrints the leakhound version and the Go version it was built with.")
		return exitOK
	}
	fmt.Fprintf(stderr, "leakhound help: unknown command %q; the commands are %s\n", args[0], strings.Join(commandNames, ", "))
	return exitUsage
}

// commandNames lists the subcommands, for messages that suggest them.
var commandNames = []string{"report", "merge", "baseline", "help", "version"}

func writeMainUsage(w io.Writer) {
	fmt.Fprint(w, `leakhound explains goroutine dumps: which goroutines are stuck, why, where,
and which test started them.

usage:
  leakhound report [flags] [FILE | - | URL]   print a report of a dump or profile
  leakhound merge [flags] INPUT...            merge CI shards' report directories
  leakhound baseline [-o FILE] INPUT...       write a baseline of known leaks
  leakhound help [command]                    show help for a command
  leakhound version                           print the version

examples:
  leakhound report dump.txt
  go test ./... 2>&1 | leakhound report -
  leakhound report -html report.html http://localhost:6060/debug/pprof/goroutine?debug=2

exit status: 0 report printed, 1 blocked goroutines found with -fail,
2 usage or input error.

Run "leakhound help report" for the flags.
`)
}
