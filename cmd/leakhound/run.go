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

// command is one subcommand: its name, what it does, and its full help.
type command struct {
	name string
	run  func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
	help func(w io.Writer)
}

// commands lists the subcommands in the order the help names them; the
// dispatch, "leakhound help COMMAND", the list of names in messages and
// doc.go all come from it.
var commands = []command{
	{"report", runReport, func(w io.Writer) { writeReportUsage(w, newReportFlags().fs) }},
	{"merge", noStdin(runMerge), func(w io.Writer) { writeMergeUsage(w, newMergeFlags(io.Discard).fs) }},
	{"baseline", noStdin(runBaseline), func(w io.Writer) {
		fs, _ := newBaselineFlags(io.Discard)
		writeBaselineUsage(w, fs)
	}},
	{"test", noStdin(runTest), func(w io.Writer) { io.WriteString(w, testHelp) }},
	{"init", noStdin(runInit), func(w io.Writer) { io.WriteString(w, initHelp) }},
	{"fix", noStdin(runFix), func(w io.Writer) { writeFixUsage(w, newFixFlags(io.Discard).fs) }},
	{"watch", noStdin(runWatch), func(w io.Writer) { writeWatchUsage(w, newWatchFlags().fs) }},
	{"help", nil, writeMainUsage}, // run by runHelp, which reads this list
	{"version", noStdin(runVersion), func(w io.Writer) { io.WriteString(w, versionHelp) }},
}

// aliases are other spellings of a command.
var aliases = map[string]string{
	"-h": "help", "-help": "help", "--help": "help",
	"-version": "version", "--version": "version",
}

// noStdin adapts a command that reads no standard input.
func noStdin(f func(args []string, stdout, stderr io.Writer) int) func([]string, io.Reader, io.Writer, io.Writer) int {
	return func(args []string, _ io.Reader, stdout, stderr io.Writer) int { return f(args, stdout, stderr) }
}

// lookup returns the command named name (or one of its aliases).
func lookup(name string) (command, bool) {
	if a, ok := aliases[name]; ok {
		name = a
	}
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// commandNames lists the subcommands, for messages that suggest them.
func commandNames() string {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

// run is the whole command with its process boundary passed in, so tests can
// call it directly; main only wires it to the real process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeMainUsage(stderr)
		return exitUsage
	}
	c, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "leakhound: unknown command %q; the commands are %s (leakhound -h for help)\n", args[0], commandNames())
		return exitUsage
	}
	if c.run == nil {
		return runHelp(args[1:], stdout, stderr)
	}
	return c.run(args[1:], stdin, stdout, stderr)
}

// runHelp prints the overview, or the full help of one command.
func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		writeMainUsage(stdout)
		return exitOK
	}
	c, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "leakhound help: unknown command %q; the commands are %s\n", args[0], commandNames())
		return exitUsage
	}
	c.help(stdout)
	return exitOK
}
