package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// slowModule is a test package whose TestSlow hangs past -timeout while
// the goroutines it and its subtest started are blocked, next to one
// started at init that no test owns.
var slowModule = map[string]string{
	"go.mod": "module example.com/slow\n\ngo 1.26\n",
	"slow_test.go": `package slow

import "testing"

// Nothing ever sends on or receives from these, so every goroutine
// stays where it blocks.
var (
	noSender   = make(chan int)
	noReceiver = make(chan int)
)

func startedAtInit() { <-noSender }
func startedByTest() { <-noSender }
func startedByHelper() { noReceiver <- 1 }
func startedBySubtest() {
	select {
	case <-noSender:
	case noReceiver <- 2:
	}
}

func helper() {
	go startedByHelper()
	<-noSender
}

func init() { go startedAtInit() }

func TestQuick(t *testing.T) {}

func TestSlow(t *testing.T) {
	go startedByTest()
	go helper()
	t.Run("sub", func(t *testing.T) {
		go startedBySubtest()
		<-noSender
	})
}
`,
}

// timedOutDumps runs the slow test binary until it times out and returns
// its output as plain text and as go test -json. It compiles a module, so
// it is skipped under -short.
func timedOutDumps(t *testing.T) (text, jsonOut []byte) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs a test binary")
	}
	dir := t.TempDir()
	for name, content := range slowModule {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "slow.test")
	build := exec.Command("go", "test", "-c", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the slow test: %v\n%s", err, out)
	}
	text, err := exec.Command(bin, "-test.v", "-test.timeout=2s").CombinedOutput()
	if err == nil {
		t.Fatalf("the slow test did not time out:\n%s", text)
	}
	jsonOut, err = exec.Command("go", "tool", "test2json", "-t", "-p", "example.com/slow",
		bin, "-test.v=test2json", "-test.timeout=2s").Output()
	if len(jsonOut) == 0 {
		t.Fatalf("test2json wrote nothing: %v", err)
	}
	return text, jsonOut
}

// TestReportTestTimeout checks a timed-out test's dump names the running
// tests and attributes to them the goroutines they started, first.
func TestReportTestTimeout(t *testing.T) {
	text, jsonOut := timedOutDumps(t)
	for _, in := range []struct {
		name string
		data []byte
	}{{"text", text}, {"go test -json", jsonOut}} {
		t.Run(in.name, func(t *testing.T) {
			file := writeInput(t, "timeout.out", in.data)
			r := runBinary(t, "", nil, "report", "-json", "-", file)
			if r.code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
			}
			doc, err := report.ReadJSON(strings.NewReader(r.stdout))
			if err != nil {
				t.Fatalf("the JSON report does not decode: %v\n%s", err, r.stdout)
			}
			want := map[string]string{
				"startedByTest":    "TestSlow",
				"startedByHelper":  "TestSlow",
				"helper":           "TestSlow",
				"startedBySubtest": "TestSlow/sub",
				"startedAtInit":    "",
			}
			got := map[string]string{}
			firstUntested := -1
			for i, g := range doc.Reports[0].Groups {
				name := funcName(g.Block.Func)
				if _, ok := want[name]; ok {
					got[name] = strings.Join(g.Tests, ",")
				}
				if len(g.Tests) == 0 && firstUntested < 0 {
					firstUntested = i
				}
				if len(g.Tests) > 0 && firstUntested >= 0 {
					t.Errorf("group %d (%s, tests %v) comes after group %d, which no test started", i, g.Block.Func, g.Tests, firstUntested)
				}
			}
			for fn, test := range want {
				if tests, ok := got[fn]; !ok {
					t.Errorf("no group blocks in %s", fn)
				} else if tests != test {
					t.Errorf("%s: attributed to %q, want %q", fn, tests, test)
				}
			}

			txt := runBinary(t, "", nil, "report", file)
			first, _, _ := strings.Cut(txt.stdout, "\n")
			for _, w := range []string{"timed out after 2s", "TestSlow", "TestSlow/sub"} {
				if !strings.Contains(first, w) {
					t.Errorf("the report's first line does not say %q: %q", w, first)
				}
			}
			if strings.Contains(first, "TestQuick") {
				t.Errorf("the report names TestQuick, which had finished: %q", first)
			}
		})
	}
}

// TestAttribute checks the creator-chain rules on hand-built goroutines,
// including parallel subtests one goroutine cannot be told apart between.
func TestAttribute(t *testing.T) {
	run := &profile.Frame{Func: "testing.(*T).Run"}
	testG := func(id, parent int64, fn string) *profile.Goroutine {
		return &profile.Goroutine{ID: id, ParentID: parent, CreatedBy: run, Frames: []profile.Frame{
			{Func: "example.com/p." + fn}, {Func: "testing.tRunner"},
		}}
	}
	child := func(id, parent int64) *profile.Goroutine {
		return &profile.Goroutine{ID: id, ParentID: parent, CreatedBy: &profile.Frame{Func: "example.com/p.x"},
			Frames: []profile.Frame{{Func: "example.com/p.work"}}}
	}
	gs := []*profile.Goroutine{
		{ID: 1, Frames: []profile.Frame{{Func: "main.main"}}},
		testG(5, 1, "TestA"),
		testG(6, 5, "TestA.func1"),
		testG(7, 5, "TestA.func2"),
		testG(8, 1, "TestB"),
		child(20, 5), child(21, 20), child(22, 6), child(23, 8), child(24, 1),
	}
	tests := []struct {
		name    string
		running []string
		want    map[int64]string
	}{
		// Subtests that are not listed as running still belong to
		// their parent, through the creator chain.
		{"one top-level test", []string{"TestA"},
			map[int64]string{5: "TestA", 20: "TestA", 21: "TestA", 6: "TestA", 7: "TestA", 22: "TestA"}},
		{"parallel subtests", []string{"TestA", "TestA/x", "TestA/y"},
			map[int64]string{5: "TestA", 20: "TestA", 21: "TestA", 6: "TestA", 7: "TestA", 22: "TestA"}},
		{"one subtest", []string{"TestA", "TestA/x"},
			map[int64]string{5: "TestA", 20: "TestA", 21: "TestA", 6: "TestA/x", 7: "TestA/x", 22: "TestA/x"}},
		{"two tests", []string{"TestA", "TestB"},
			map[int64]string{5: "TestA", 20: "TestA", 21: "TestA", 6: "TestA", 7: "TestA", 22: "TestA", 8: "TestB", 23: "TestB"}},
		{"test not in dump", []string{"TestC"}, map[int64]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			to := &testTimeout{after: "1s"}
			for _, n := range tt.running {
				to.running = append(to.running, runningTest{name: n})
			}
			got := to.attribute(gs)
			for id, w := range tt.want {
				if got[id] != w {
					t.Errorf("goroutine %d: %q, want %q", id, got[id], w)
				}
			}
			for id, g := range got {
				if _, ok := tt.want[id]; !ok {
					t.Errorf("goroutine %d attributed to %q, want none", id, g)
				}
			}
		})
	}
}

// TestFindTimeout checks the panic and the running-test list are read, in
// the layouts the testing package has printed.
func TestFindTimeout(t *testing.T) {
	tests := []struct {
		name    string
		text    []string
		after   string
		running []string
	}{
		{"no timeout", []string{"panic: boom", "running tests:", "\tTestX (1s)"}, "", nil},
		{"indented list", []string{"=== RUN   TestX", "panic: test timed out after 1m0s", "\trunning tests:", "\t\tTestX (1m0s)", "\t\tTestX/a_b (59s)", ""}, "1m0s", []string{"TestX", "TestX/a_b"}},
		{"no list", []string{"panic: test timed out after 5s"}, "5s", nil},
		{"list then other text", []string{"panic: test timed out after 5s", "running tests:", "  TestY (5s)", "exit status 2"}, "5s", []string{"TestY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findTimeout(tt.text)
			if tt.after == "" {
				if got != nil {
					t.Fatalf("found a timeout in %q", tt.text)
				}
				return
			}
			if got == nil || got.after != tt.after {
				t.Fatalf("got %+v, want a timeout after %s", got, tt.after)
			}
			var names []string
			for _, rt := range got.running {
				names = append(names, rt.name)
			}
			if strings.Join(names, " ") != strings.Join(tt.running, " ") {
				t.Errorf("running %q, want %q", names, tt.running)
			}
		})
	}
}

func TestCrashLine(t *testing.T) {
	tests := []struct {
		text []string
		want string
	}{
		{[]string{"some output", "panic: boom [recovered]", "\tpanic: again"}, "panic: boom [recovered]"},
		{[]string{"fatal error: all goroutines are asleep - deadlock!"}, "fatal error: all goroutines are asleep - deadlock!"},
		{[]string{"SIGQUIT: quit", "PC=0x40b26c m=0 sigcode=0"}, "SIGQUIT: quit"},
		{[]string{"SIGNALS are fine here"}, ""},
		{[]string{"panic: test timed out after 1s", "running tests:"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := crashLine(tt.text); got != tt.want {
			t.Errorf("crashLine(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
