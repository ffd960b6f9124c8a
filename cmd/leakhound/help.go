package main

import (
	_ "embed"
	"flag"
	"fmt"
	"io"
	"strings"
)

// The command's documentation exists once: these texts are what
// "leakhound help" prints, and doc.go is generated from the same output
// (TestDocIsHelp checks it), so the package documentation, the help and
// the README's pointer to it cannot drift apart.

// mainHelp is the overview "leakhound help" prints.
//
//go:embed help_main.txt
var mainHelp string

// reportHelp is "leakhound help report"; the line {{flags}} stands for the
// list of flags, which comes from the flag set itself.
//
//go:embed help_report.txt
var reportHelp string

// flagsPlaceholder marks where reportHelp lists the flags.
const flagsPlaceholder = "{{flags}}\n"

// versionHelp is "leakhound help version".
const versionHelp = `usage: leakhound version

Prints the leakhound version and the Go version it was built with.
`

func writeMainUsage(w io.Writer) {
	io.WriteString(w, mainHelp)
}

// writeReportUsage writes the help of "leakhound report", its flags listed
// from fs.
func writeReportUsage(w io.Writer, fs *flag.FlagSet) {
	before, after, _ := strings.Cut(reportHelp, flagsPlaceholder)
	io.WriteString(w, before)
	printFlags(w, fs)
	io.WriteString(w, after)
}

// printFlags lists the flags like flag.PrintDefaults, but puts a flag's
// default at the end of its description rather than after its example,
// where the flag package would append it.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		head := "  -" + f.Name
		if name != "" {
			head += " " + name
		}
		fmt.Fprintln(w, head)
		desc, example, _ := strings.Cut(usage, "\nexample: ")
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			desc += " (default " + f.DefValue + ")"
		}
		for _, line := range strings.Split(desc, "\n") {
			fmt.Fprintln(w, "    \t"+line)
		}
		if example != "" {
			fmt.Fprintln(w, "    \texample: "+example)
		}
	})
}
