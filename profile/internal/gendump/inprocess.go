package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
)

// The in-process scenarios share one set of goroutines, started on first
// use; the generator exits with them still blocked.
var shared []started

func sharedGoroutines() []started {
	if shared == nil {
		shared = startAll(goroutineSpecs(), nil)
		waitBlocked(shared)
	}
	return shared
}

// setTracebackLabels switches GODEBUG=tracebacklabels at run time; the
// runtime rereads GODEBUG when os.Setenv changes it.
func setTracebackLabels(on bool) {
	v := "0"
	if on {
		v = "1"
	}
	os.Setenv("GODEBUG", "tracebacklabels="+v)
}

// labelsByDefault reports whether this binary prints goroutine labels in
// tracebacks without GODEBUG. Go 1.27 turned tracebacklabels on, but only
// for modules declaring go 1.27 or later; the build records the resulting
// defaults in its DefaultGODEBUG setting.
func labelsByDefault() bool {
	v := strings.TrimPrefix(runtime.Version(), "go")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return false
	}
	major, _ := strconv.Atoi(parts[0])
	minor, _ := strconv.Atoi(parts[1])
	if major == 1 && minor < 27 {
		return false
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "DefaultGODEBUG" && strings.Contains(","+s.Value+",", ",tracebacklabels=0,") {
				return false
			}
		}
	}
	return true
}

// runStackScenarios writes runtime.Stack dumps: with the default label
// setting, with labels forced on, and with labels forced off.
func runStackScenarios(dir string) error {
	gs := sharedGoroutines()
	cases := []struct {
		dump   string
		godbg  string
		labels bool
	}{
		{"plain.txt", "", labelsByDefault()},
		{"labels-on.txt", "1", true},
		{"labels-off.txt", "0", false},
	}
	for _, c := range cases {
		switch c.godbg {
		case "1":
			setTracebackLabels(true)
		case "0":
			setTracebackLabels(false)
		}
		dump := stackAll()
		os.Unsetenv("GODEBUG")
		if err := writeDump(dir, c.dump, []byte(dump)); err != nil {
			return err
		}
		t := &Truth{Scenario: "stack", Dump: c.dump, Format: "stack", Goroutines: truths(gs, c.labels)}
		if err := writeTruth(dir, t); err != nil {
			return err
		}
	}
	return nil
}

// runLeakScenario writes the goroutineleak profile with debug=2 (text with
// "(leaked)" markers), when this runtime has it.
func runLeakScenario(dir string) error {
	p := pprof.Lookup("goroutineleak")
	if p == nil {
		fmt.Fprintln(os.Stderr, "gendump: no goroutineleak profile in this runtime; skipping")
		return nil
	}
	gs := sharedGoroutines()
	runtime.GC()
	var buf bytes.Buffer
	if err := p.WriteTo(&buf, 2); err != nil {
		return err
	}
	const dump = "leak-debug2.txt"
	if err := writeDump(dir, dump, buf.Bytes()); err != nil {
		return err
	}
	ts := truths(gs, labelsByDefault())
	for i, t := range ts {
		t.Leaked = gs[i].spec.leaks
	}
	return writeTruth(dir, &Truth{Scenario: "leak", Dump: dump, Format: "stack", Goroutines: ts})
}

// runPprofScenario writes the goroutine profile (and the goroutineleak
// profile when available) as protocol buffers and as debug=1 text, with two
// groups of identical goroutines to check the counts of aggregated stacks.
func runPprofScenario(dir string) error {
	gs := sharedGoroutines()
	five := startGroup(5, map[string]string{"group": "five", "note": "a b"})
	three := startGroup(3, nil)

	// Every spec has its own blocking line, so its stack counts 1; the
	// groups count their size.
	stacks := func(leakOnly bool) []StackTruth {
		var out []StackTruth
		for _, g := range gs {
			t := g.rec.truth()
			n := 1
			if leakOnly && !g.spec.leaks {
				n = 0
			}
			out = append(out, StackTruth{Func: t.Frames[0].Func, File: t.Frames[0].File, Line: t.Frames[0].Line, Count: n, Labels: t.Labels})
		}
		for _, grp := range [][]*rec{five, three} {
			t := grp[0].truth()
			out = append(out, StackTruth{Func: t.Frames[0].Func, File: t.Frames[0].File, Line: t.Frames[0].Line, Count: len(grp), Labels: t.Labels})
		}
		return out
	}

	for _, name := range []string{"goroutine", "goroutineleak"} {
		p := pprof.Lookup(name)
		if p == nil {
			continue
		}
		for _, debug := range []int{0, 1} {
			runtime.GC()
			var buf bytes.Buffer
			if err := p.WriteTo(&buf, debug); err != nil {
				return err
			}
			dump, format := name+".pb.gz", "pprof-proto"
			if debug == 1 {
				dump, format = name+".debug1.txt", "pprof-debug1"
			}
			if err := writeDump(dir, dump, buf.Bytes()); err != nil {
				return err
			}
			t := &Truth{Scenario: "pprof", Dump: dump, Format: format, Stacks: stacks(name == "goroutineleak")}
			if err := writeTruth(dir, t); err != nil {
				return err
			}
		}
	}
	return nil
}

// startGroup starts n goroutines blocked at the same line with the same
// labels, each on a channel nothing else holds.
func startGroup(n int, labels map[string]string) []*rec {
	var recs []*rec
	var specs []spec
	for range n {
		specs = append(specs, spec{name: "group", state: "chan receive", start: func(r *rec) {
			var kv []string
			for k, v := range labels {
				kv = append(kv, k, v)
			}
			r.Labels = labels
			pprof.Do(context.Background(), pprof.Labels(kv...), func(context.Context) {
				groupMember(r)
			})
		}})
	}
	for _, s := range startAll(specs, nil) {
		recs = append(recs, s.rec)
	}
	return recs
}

// groupMember starts one member of a group; all block on the same line.
func groupMember(r *rec) {
	ch := make(chan int)
	r.created()
	go func() {
		r.mark()
		<-ch
	}()
}
