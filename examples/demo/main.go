// Command demo shows leakhound at work in a few seconds: it runs the leaky
// version of every example under examples/ in this process, catches the
// goroutines each one leaves behind, explains them — why each is stuck,
// where, and the fix — and writes the same report as HTML, JSON and a pprof
// profile.
//
//	go run ./examples/demo                 # report in ./leakhound-report
//	go run ./examples/demo -out /tmp/leaks # report in /tmp/leaks
//
// The demo needs no test binary: it starts each example with a pprof label
// of its own, captures the process's goroutines with package profile, keeps
// each example's labelled ones, and builds one report per example with
// package report — the steps leakcheck.Check takes at the end of a test.
// Every leaked goroutine is released before the demo exits.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	fs := flag.NewFlagSet("demo", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./examples/demo [-out DIR]\n\n"+
			"Runs every leaky example, prints the leak report and writes it as HTML, JSON and pprof to DIR.\n\n")
		fs.PrintDefaults()
	}
	out := fs.String("out", "leakhound-report", "directory to write the HTML, JSON and pprof report into (created if missing)")
	fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		fs.Usage()
		os.Exit(2)
	}
	if err := run(os.Stdout, *out); err != nil {
		fmt.Fprintf(os.Stderr, "demo: %v\n", err)
		os.Exit(1)
	}
}
