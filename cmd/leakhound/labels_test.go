package main

import (
	"context"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/leakcheck"
	"github.com/leakhound/leakhound/report"
)

// TestReportLabels checks goroutines carrying leakcheck's label in a
// profile are attributed to the labelled test.
func TestReportLabels(t *testing.T) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	ready := make(chan struct{})
	pprof.Do(context.Background(), pprof.Labels(leakcheck.LabelKey, "TestLabelled#7"), func(context.Context) {
		wg.Go(func() {
			close(ready)
			parkOnReceive(stop)
		})
	})
	defer func() { close(stop); wg.Wait() }()
	<-ready
	// debug=1 profiles print labels; poll until the goroutine has parked.
	var prof []byte
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		prof = profileDump(t, "goroutine", 1)
		if strings.Contains(string(prof), "."+recvFunc+"+") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the labelled goroutine did not park within 20s:\n%s", prof)
		}
	}
	r := runBinary(t, "", nil, "report", "-match", recvFunc, "-json", "-", writeInput(t, "labels.prof", prof))
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	doc, err := report.ReadJSON(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	groups := doc.Reports[0].Groups
	if len(groups) != 1 || strings.Join(groups[0].Tests, ",") != "TestLabelled" {
		for _, g := range groups {
			t.Logf("group %s: tests %v", g.Block.Func, g.Tests)
		}
		t.Errorf("want one group attributed to TestLabelled")
	}
}
