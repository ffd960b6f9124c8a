package judge

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// judgeFlowSrc holds values the judge must list through calls it cannot
// resolve statically; each line the test asks about ends in a marker.
const judgeFlowSrc = `package flow

import (
	"os"
	"os/signal"
	"time"
)

type Runner interface{ Run(stop <-chan struct{}) }

type mon struct{}

func (mon) Run(stop <-chan struct{}) { <-stop } // METHOD: a parameter of a method called through an interface

type ctl struct{ r Runner }

func (c ctl) start(stop <-chan struct{}) { c.r.Run(stop) }

type waitFunc func(done <-chan struct{}) <-chan struct{}

func poller() waitFunc {
	return func(done <-chan struct{}) <-chan struct{} {
		<-done // LITPARAM: a parameter of a literal called through a function value
		return make(chan struct{})
	}
}

func waitFor(w waitFunc, done <-chan struct{}) {
	<-w(done) // LITRESULT: what a literal returns, called through a function value
}

func stopper(reqs chan chan struct{}) {
	w := <-reqs
	w <- struct{}{} // RECEIVED: a channel received from a channel
}

func ask(reqs chan chan struct{}) {
	w := make(chan struct{})
	reqs <- w
	<-w // ASKED
}

func Main() {
	stop := make(chan struct{})
	go ctl{r: mon{}}.start(stop)
	go waitFor(poller(), stop)
	reqs := make(chan chan struct{})
	go stopper(reqs)
	go ask(reqs)
	other := make(chan struct{})
	<-other // OTHER: another channel
	close(stop) // STOP
}

func Timer() {
	t := time.NewTimer(time.Second)
	<-t.C // TIMER: the standard library's channel
}

func Handed() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	<-c // HANDED: a channel passed to another package, which sends on it
}
`

// TestJudgeListsValuesThroughDynamicCalls checks that the judge lists the
// values of a method's parameter called through an interface, of a
// function literal's parameter and result called through a function
// value, and of a channel received from a channel: it proves each apart
// from another channel, and never apart from the value it is.
func TestJudgeListsValuesThroughDynamicCalls(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	for name, text := range map[string]string{"go.mod": "module example.com/flow\n\ngo 1.22\n", "flow.go": judgeFlowSrc} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(dir, "flow.go")
	j := Load(t, file)
	if j == nil {
		t.Fatal("the judge did not load the package")
	}
	op := func(marker, kind string) *jop {
		t.Helper()
		for i, l := range strings.Split(judgeFlowSrc, "\n") {
			if strings.HasSuffix(l, "// "+marker) || strings.Contains(l, "// "+marker+":") {
				ops := j.at(file, i+1, kind)
				if len(ops) != 1 {
					t.Fatalf("%d %s operations at %s (line %d), want 1", len(ops), kind, marker, i+1)
				}
				return &ops[0]
			}
		}
		t.Fatalf("no line marked %s", marker)
		return nil
	}
	other, stop := op("OTHER", "receive"), op("STOP", "close")
	for _, tt := range []struct {
		name     string
		a, b     *jop
		distinct bool
	}{
		{"method parameter vs another channel", op("METHOD", "receive"), other, true},
		{"method parameter vs the channel passed", op("METHOD", "receive"), stop, false},
		{"literal parameter vs another channel", op("LITPARAM", "receive"), other, true},
		{"literal parameter vs the channel passed", op("LITPARAM", "receive"), stop, false},
		{"literal result vs another channel", op("LITRESULT", "receive"), other, true},
		{"received channel vs another channel", op("RECEIVED", "send"), other, true},
		{"received channel vs the channel sent", op("RECEIVED", "send"), op("ASKED", "receive"), false},
	} {
		if got := j.distinctOps(tt.a, tt.b); got != tt.distinct {
			t.Errorf("%s: distinct = %v, want %v", tt.name, got, tt.distinct)
		}
	}
	// A proof that nothing releases a value needs the value made in the
	// package and kept there.
	if !j.ownValue(other) || j.handedOut(other) {
		t.Errorf("another channel: own %v, handed out %v; want made here and kept", j.ownValue(other), j.handedOut(other))
	}
	if j.ownValue(op("TIMER", "receive")) {
		t.Error("a timer's channel counted as made in the package")
	}
	if h := op("HANDED", "receive"); !j.ownValue(h) || !j.handedOut(h) {
		t.Errorf("a channel given to signal.Notify: own %v, handed out %v; want made here and handed out", j.ownValue(h), j.handedOut(h))
	}
}
