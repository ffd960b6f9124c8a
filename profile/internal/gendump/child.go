package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// childEnv is the environment each child scenario runs with, on top of the
// parent's minus GOTRACEBACK and GODEBUG.
var childEnv = map[string][]string{
	"ancestors":    {"GODEBUG=tracebackancestors=10"},
	"crash-all":    {"GOTRACEBACK=all"},
	"crash-system": {"GOTRACEBACK=system"},
	"crash-crash":  {"GOTRACEBACK=crash"},
	"sigquit":      nil,
	"deadlock":     nil,
}

// childScenario re-runs this command as a child in the given mode and keeps
// its combined output as the dump; the child writes the truth itself, just
// before it crashes.
func childScenario(mode string) func(dir string) error {
	return func(dir string) error {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		if mode == "deadlock" {
			// A binary using cgo (the net package does, through the
			// resolver) never reports "all goroutines are asleep".
			tmp, err := os.MkdirTemp("", "gendump-nocgo")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			if exe, err = buildSelf(tmp, "CGO_ENABLED=0"); err != nil {
				return err
			}
		}
		out, err := runChildProcess(exe, mode, dir)
		if mode == "ancestors" {
			// The child writes its dump itself; its output is only logs.
			if err != nil {
				return fmt.Errorf("%w: %s", err, out)
			}
			return nil
		}
		if err == nil {
			return fmt.Errorf("the child was meant to crash but exited normally: %s", out)
		}
		return writeDump(dir, mode+".txt", out)
	}
}

func runChildProcess(exe, mode, dir string) ([]byte, error) {
	cmd := exec.Command(exe, "-child="+mode, "-out="+dir)
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GOTRACEBACK=") || strings.HasPrefix(kv, "GODEBUG=") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, childEnv[mode]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.Bytes(), err
}

// runChild is the child side: start the goroutines, write the truth, then
// produce the dump the mode names.
func runChild(mode, dir string) {
	disableCoreDumps()
	var keepSpec func(spec) bool
	if mode == "deadlock" {
		keepSpec = func(s spec) bool { return s.deadlockSafe }
	}
	dump := mode + ".txt"
	if mode == "ancestors" {
		runAncestorsChild(dir)
		return
	}
	if mode == "race-stack" {
		gs := sharedGoroutines()
		dump = "race-plain.txt"
		if err := writeDump(dir, dump, []byte(stackAll())); err != nil {
			fail(err)
		}
		t := &Truth{Scenario: "race", Dump: dump, Format: "stack", Goroutines: truths(gs, labelsByDefault())}
		if err := writeTruth(dir, t); err != nil {
			fail(err)
		}
		return
	}
	gs := startAll(goroutineSpecs(), keepSpec)
	waitBlocked(gs)
	t := &Truth{Scenario: mode, Dump: dump, Format: "stack", Goroutines: truths(gs, labelsByDefault())}
	switch mode {
	case "crash-all", "crash-crash":
		t.Text = []string{"panic: gendump: deliberate crash"}
	case "crash-system":
		t.Text = []string{"panic: runtime error: invalid memory address or nil pointer dereference", "[signal SIGSEGV"}
	case "sigquit":
		t.Text = []string{"SIGQUIT: quit"}
	case "deadlock":
		t.Text = []string{"fatal error: all goroutines are asleep - deadlock!"}
	default:
		fail(fmt.Errorf("unknown child mode %q", mode))
	}
	if err := writeTruth(dir, t); err != nil {
		fail(err)
	}
	switch mode {
	case "crash-all", "crash-crash":
		panic("gendump: deliberate crash")
	case "crash-system":
		var p *int
		*p = 1
	case "sigquit":
		sendQuit()
		time.Sleep(10 * time.Second)
	case "deadlock":
		select {}
	}
}

// runAncestorsChild builds a chain of goroutines, each created by the one
// before, and dumps them with GODEBUG=tracebackancestors set.
func runAncestorsChild(dir string) {
	const depth = 3
	recs := make([]*rec, depth)
	for i := range recs {
		recs[i] = newRec(fmt.Sprintf("chain-%d", i), "chan receive")
	}
	startChain(recs, make(chan int))
	var gs []started
	for _, r := range recs {
		<-r.ready
		gs = append(gs, started{spec: spec{name: r.Name, state: r.State}, rec: r})
	}
	waitBlocked(gs)
	ts := truths(gs, false)
	// Each goroutine's ancestors are its creators, nearest first, down to
	// the main goroutine.
	for i, t := range ts {
		anc := []int64{}
		for j := i - 1; j >= 0; j-- {
			anc = append(anc, ts[j].ID)
		}
		t.Ancestors = append(anc, 1)
	}
	const dump = "ancestors.txt"
	if err := writeDump(dir, dump, []byte(stackAll())); err != nil {
		fail(err)
	}
	if err := writeTruth(dir, &Truth{Scenario: "ancestors", Dump: dump, Format: "stack", Goroutines: ts}); err != nil {
		fail(err)
	}
}

// startChain starts recs[0] from the main goroutine, recs[1] from
// recs[0], and so on; each blocks on ch once it has started the next.
func startChain(recs []*rec, ch chan int) {
	var startAt func(i int)
	startAt = func(i int) {
		r := recs[i]
		r.created()
		go func() {
			if i+1 < len(recs) {
				startAt(i + 1)
				<-recs[i+1].ready
			}
			r.mark()
			<-ch
		}()
	}
	startAt(0)
}

// runRaceScenario rebuilds this command with -race and runs the stack
// scenario in it.
func runRaceScenario(dir string) error {
	tmp, err := os.MkdirTemp("", "gendump-race")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	exe, err := buildSelf(tmp, "", "-race")
	if err != nil {
		return err
	}
	if out, err := runChildProcess(exe, "race-stack", dir); err != nil {
		return fmt.Errorf("%w: %s", err, out)
	}
	return nil
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "gendump (child, %s): %v\n", runtime.Version(), err)
	os.Exit(3)
}

// buildSelf builds this command into dir with the extra environment
// variable env (none when empty) and build flags.
func buildSelf(dir, env string, flags ...string) (string, error) {
	exe := filepath.Join(dir, "gendump")
	args := append(append([]string{"build"}, flags...), "-o", exe, "github.com/leakhound/leakhound/profile/internal/gendump")
	cmd := exec.Command("go", args...)
	cmd.Env = os.Environ()
	if env != "" {
		cmd.Env = append(cmd.Env, env)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %v: %w: %s", args, err, out)
	}
	return exe, nil
}
