package profile

import (
	"strings"
	"testing"
)

// TestReadContext: the crash line, the signal and the test timeout with its
// running tests are read from the lines outside the goroutines, in the
// layouts the runtime and the testing package have printed.
func TestReadContext(t *testing.T) {
	tests := []struct {
		name    string
		text    []string
		crash   string
		signal  string
		after   string // "" for no timeout
		running []string
	}{
		{"panic", []string{"some output", "panic: boom [recovered]", "\tpanic: again"}, "panic: boom [recovered]", "", "", nil},
		{"deadlock", []string{"fatal error: all goroutines are asleep - deadlock!"}, "fatal error: all goroutines are asleep - deadlock!", "", "", nil},
		{"SIGQUIT", []string{"SIGQUIT: quit", "PC=0x40b26c m=0 sigcode=0"}, "SIGQUIT: quit", "SIGQUIT", "", nil},
		{"nil dereference", []string{"panic: runtime error: invalid memory address or nil pointer dereference",
			"[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]"},
			"panic: runtime error: invalid memory address or nil pointer dereference", "SIGSEGV", "", nil},
		{"a word, not a signal", []string{"SIGNALS are fine here"}, "", "", "", nil},
		{"nothing", nil, "", "", "", nil},
		{"running list without timeout", []string{"panic: boom", "running tests:", "\tTestX (1s)"}, "panic: boom", "", "", nil},
		{"indented list", []string{"=== RUN   TestX", "panic: test timed out after 1m0s", "\trunning tests:", "\t\tTestX (1m0s)", "\t\tTestX/a_b (59s)", ""},
			"", "", "1m0s", []string{"TestX (1m0s)", "TestX/a_b (59s)"}},
		{"no list", []string{"panic: test timed out after 5s"}, "", "", "5s", nil},
		{"list then other text", []string{"panic: test timed out after 5s", "running tests:", "  TestY (5s)", "exit status 2"}, "", "", "5s", []string{"TestY (5s)"}},
		{"subtest name with slashes", []string{"panic: test timed out after 2s", "running tests:", "\tTestBlocksForever (2s)", "\tTestBlocksForever/sub_test/with_space (2s)"},
			"", "", "2s", []string{"TestBlocksForever (2s)", "TestBlocksForever/sub_test/with_space (2s)"}},
		{"not a test function", []string{"panic: test timed out after 5s", "running tests:", "\tTestify (5s)"}, "", "", "5s", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := readContext(tt.text)
			if c.Crash != tt.crash || c.Signal != tt.signal {
				t.Errorf("crash %q, signal %q; want %q, %q", c.Crash, c.Signal, tt.crash, tt.signal)
			}
			if tt.after == "" {
				if c.Timeout != nil {
					t.Fatalf("found a timeout: %+v", c.Timeout)
				}
				return
			}
			if c.Timeout == nil || c.Timeout.After != tt.after {
				t.Fatalf("timeout %+v, want one after %s", c.Timeout, tt.after)
			}
			if got := c.Timeout.Names(); got != strings.Join(tt.running, ", ") {
				t.Errorf("running %q, want %q", got, tt.running)
			}
		})
	}
}

// TestAttribute checks the creator-chain rules on hand-built goroutines,
// including parallel subtests one goroutine cannot be told apart between,
// and subtests whose own names hold '/' (they were attributed to their
// parent, as subtest matching counted slashes).
func TestAttribute(t *testing.T) {
	run := &Frame{Func: "testing.(*T).Run"}
	testG := func(id, parent int64, fn string) *Goroutine {
		return &Goroutine{ID: id, ParentID: parent, CreatedBy: run, Frames: []Frame{
			{Func: "example.com/p." + fn}, {Func: "testing.tRunner"},
		}}
	}
	child := func(id, parent int64) *Goroutine {
		return &Goroutine{ID: id, ParentID: parent, CreatedBy: &Frame{Func: "example.com/p.x"},
			Frames: []Frame{{Func: "example.com/p.work"}}}
	}
	gs := []*Goroutine{
		{ID: 1, Frames: []Frame{{Func: "main.main"}}},
		testG(5, 1, "TestA"),
		testG(6, 5, "TestA.func1"),
		testG(7, 5, "TestA.func2"),
		testG(8, 1, "TestB"),
		testG(9, 6, "TestA.func1.1"),
		child(20, 5), child(21, 20), child(22, 6), child(23, 8), child(24, 1), child(25, 9),
	}
	a := func(sub, subsub string) map[int64]string {
		return map[int64]string{5: "TestA", 20: "TestA", 21: "TestA", 6: sub, 7: sub, 22: sub, 9: subsub, 25: subsub}
	}
	tests := []struct {
		name    string
		running []string
		want    map[int64]string
	}{
		// Subtests that are not listed as running still belong to
		// their parent, through the creator chain.
		{"one top-level test", []string{"TestA"}, a("TestA", "TestA")},
		{"parallel subtests", []string{"TestA", "TestA/x", "TestA/y"}, a("TestA", "TestA")},
		{"parallel subtests, parent no longer listed", []string{"TestA/x", "TestA/y"}, map[int64]string{6: "TestA", 7: "TestA", 22: "TestA", 9: "TestA", 25: "TestA"}},
		{"one subtest", []string{"TestA", "TestA/x"}, a("TestA/x", "TestA/x")},
		{"one subtest named with slashes", []string{"TestA", "TestA/x/y"}, a("TestA/x/y", "TestA/x/y")},
		{"nested subtests named with slashes", []string{"TestA", "TestA/x/y", "TestA/x/y/p/q"}, a("TestA/x/y", "TestA/x/y/p/q")},
		{"two tests", []string{"TestA", "TestB"}, func() map[int64]string {
			m := a("TestA", "TestA")
			m[8], m[23] = "TestB", "TestB"
			return m
		}()},
		{"test not in dump", []string{"TestC"}, map[int64]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			to := &TestTimeout{After: "1s"}
			for _, n := range tt.running {
				to.Running = append(to.Running, RunningTest{Name: n})
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

// TestTestTies: a label beats the creator chain; a goroutine with neither
// has no test.
func TestTestTies(t *testing.T) {
	run := &Frame{Func: "testing.(*T).Run"}
	s := &Snapshot{
		Goroutines: []*Goroutine{
			{ID: 5, ParentID: 1, CreatedBy: run, Frames: []Frame{{Func: "p.TestA"}, {Func: "testing.tRunner"}}},
			{ID: 6, ParentID: 5, Labels: map[string]string{TestLabelKey: TestLabelValue("TestB/x", 3)}},
			{ID: 7, ParentID: 5},
			{ID: 8, ParentID: 1},
		},
		Context: Context{Timeout: &TestTimeout{After: "1s", Running: []RunningTest{{Name: "TestA"}}}},
	}
	want := []TestTie{{"TestA", ByCreator}, {"TestB/x", ByLabel}, {"TestA", ByCreator}, {}}
	got := s.TestTies()
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("goroutine %d: %+v, want %+v", s.Goroutines[i].ID, got[i], want[i])
		}
	}
}

func TestTestOfLabel(t *testing.T) {
	tests := []struct{ value, want string }{
		{TestLabelValue("TestA", 12), "TestA"},
		{"TestA/sub#3", "TestA/sub"},
		{"TestA/case#01#7", "TestA/case#01"},
		{"TestA/case_#x", "TestA/case_#x"}, // '#' in a name, no run number
		{"TestA", "TestA"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := TestOfLabel(tt.value); got != tt.want {
			t.Errorf("TestOfLabel(%q) = %q, want %q", tt.value, got, tt.want)
		}
	}
}

func TestIsTestFunc(t *testing.T) {
	for name, want := range map[string]bool{
		"Test": true, "TestX": true, "Test_x": true, "Test1": true, "BenchmarkX": true, "FuzzX": true, "Example": true, "ExampleX_y": true,
		"Testify": false, "Benchmarks": false, "Examples": false, "TesT": false, "x": false, "": false,
	} {
		if got := IsTestFunc(name); got != want {
			t.Errorf("IsTestFunc(%q) = %v, want %v", name, got, want)
		}
	}
}
