package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/report"
)

// leakyProgram leaks goroutines for real and prints its goroutineleak
// profile at the debug level given as its argument. It runs in its own
// process because a goroutine the runtime proves leaked can never be
// released, and tests must leave none behind.
const leakyProgram = `package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
)

func leakyReceive() {
	ch := make(chan int)
	<-ch
}

// parked counts the goroutines blocked in leakyReceive's receive. A
// goroutine that has said it started may not have reached the receive
// yet, and the profile proves only goroutines that are blocked.
func parked() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return bytes.Count(buf, []byte("[chan receive]:\nmain.leakyReceive("))
}

func main() {
	p := pprof.Lookup("goroutineleak")
	if p == nil {
		fmt.Println("no goroutineleak profile")
		os.Exit(3)
	}
	debug, _ := strconv.Atoi(os.Args[1])
	if os.Args[2] == "leak" {
		started := make(chan bool)
		for range 4 {
			go func() { started <- true; leakyReceive() }()
			<-started
		}
		for parked() < 4 {
			runtime.Gosched()
		}
	}
	p.WriteTo(os.Stdout, debug)
}
`

// leakProfile builds and runs leakyProgram, skipping when this Go has no
// goroutineleak profile.
func leakProfile(t *testing.T, debug string, leak bool) []byte {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs a program")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(leakyProgram), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/leaky\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "leaky")
	build := func(env ...string) error {
		cmd := exec.Command("go", "build", "-o", bin, ".")
		cmd.Dir = dir
		cmd.Env = append(append(os.Environ(), "GOFLAGS=", "GOWORK=off"), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Logf("go build %v: %v\n%s", env, err, out)
		}
		return err
	}
	// Go 1.26 has the profile behind an experiment; later versions may
	// have it on by default and no longer know the experiment's name.
	if build("GOEXPERIMENT=goroutineleakprofile") != nil && build() != nil {
		t.Fatal("cannot build the leaky program")
	}
	mode := "none"
	if leak {
		mode = "leak"
	}
	out, err := exec.Command(bin, debug, mode).Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 3 {
		t.Skip("this Go has no goroutineleak profile")
	}
	if err != nil {
		t.Fatalf("running the leaky program: %v", err)
	}
	return out
}

// TestReportLeakProfile reads goroutineleak profiles: the leaked goroutines
// are reported and counted as proven leaked, and an empty profile is a
// clean result, not an input error.
func TestReportLeakProfile(t *testing.T) {
	for _, debug := range []string{"0", "1"} {
		t.Run("debug="+debug, func(t *testing.T) {
			file := writeInput(t, "leak.prof", leakProfile(t, debug, true))
			r := runBinary(t, "", nil, "report", "-json", "-", "-fail", file)
			if r.code != exitFound {
				t.Fatalf("exit %d, want %d (leaks found with -fail); stderr:\n%s", r.code, exitFound, r.stderr)
			}
			doc, err := report.ReadJSON(strings.NewReader(r.stdout))
			if err != nil {
				t.Fatalf("the JSON report does not decode: %v", err)
			}
			leaked := 0
			for _, g := range doc.Reports[0].Groups {
				if strings.HasSuffix(g.Block.Func, ".leakyReceive") {
					leaked += g.Leaked
				}
			}
			if leaked != 4 {
				t.Errorf("%d goroutines in leakyReceive reported proven leaked, want 4:\n%s", leaked, r.stdout)
			}

			empty := writeInput(t, "empty.prof", leakProfile(t, debug, false))
			jsonPath := filepath.Join(t.TempDir(), "r.json")
			r = runBinary(t, "", nil, "report", "-fail", "-json", jsonPath, empty)
			if r.code != exitOK {
				t.Fatalf("empty leak profile: exit %d, want 0; stderr:\n%s", r.code, r.stderr)
			}
			if !strings.Contains(r.stdout, "proved none leaked") {
				t.Errorf("empty leak profile: the report does not say nothing leaked:\n%s", r.stdout)
			}
			jf, err := os.Open(jsonPath)
			if err != nil {
				t.Fatalf("empty leak profile: no JSON report: %v", err)
			}
			defer jf.Close()
			if doc, err := report.ReadJSON(jf); err != nil || doc.Reports[0].Total != 0 {
				t.Errorf("empty leak profile: the JSON report is not an empty report (err %v)", err)
			}
		})
	}
}
