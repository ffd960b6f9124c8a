// Command gendump writes the goroutine dumps profile's tests read, each with
// a truth file saying what the goroutines in it are.
//
// Usage: go generate ./profile, which runs it once per Go variant (the
// directives are in profile/corpus_generate.go), for example
//
//	GOTOOLCHAIN=go1.27.3 go run ./internal/gendump -out testdata/dumps/go1.27.3
//
// The goroutines it starts record their own IDs, creators and stacks (see
// rec), so the truth never comes from reading a dump. Crash and SIGQUIT
// dumps come from re-running this command as a child process; go test
// dumps (timeouts, synctest) from small modules it writes to a temporary
// directory and tests.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("out", "", "directory to write the dumps and truth files to")
	child := flag.String("child", "", "internal: run as the child process of this scenario")
	only := flag.String("only", "", "comma-separated scenarios to run (default: all)")
	flag.Parse()
	if *child != "" {
		runChild(*child, *out)
		return
	}
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gendump: -out is required")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "gendump:", err)
		os.Exit(1)
	}
	want := func(name string) bool {
		return *only == "" || strings.Contains(","+*only+",", ","+name+",")
	}
	failed := false
	for _, sc := range scenarios {
		if !want(sc.name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "gendump: %s\n", sc.name)
		if err := sc.run(*out); err != nil {
			fmt.Fprintf(os.Stderr, "gendump: %s: %v\n", sc.name, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// scenario is one situation the generator reproduces.
type scenario struct {
	name string
	run  func(dir string) error
}

var scenarios = []scenario{
	{"stack", runStackScenarios},
	{"leak", runLeakScenario},
	{"pprof", runPprofScenario},
	{"ancestors", childScenario("ancestors")},
	{"crash-all", childScenario("crash-all")},
	{"crash-system", childScenario("crash-system")},
	{"crash-crash", childScenario("crash-crash")},
	{"sigquit", childScenario("sigquit")},
	{"deadlock", childScenario("deadlock")},
	{"race", runRaceScenario},
	{"synctest", runSynctestScenario},
	{"timeout", runTimeoutScenario},
}

func writeDump(dir, name string, data []byte) error {
	return os.WriteFile(filepath.Join(dir, name), data, 0o644)
}
