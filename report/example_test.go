package report_test

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// leakedDump holds two goroutines a test left blocked on a send nobody
// receives, as runtime.Stack prints them.
const leakedDump = `goroutine 7 [chan send]:
example.com/shop.Fetch.func1()
	/src/shop/fetch.go:6 +0x2a
created by example.com/shop.Fetch in goroutine 1
	/src/shop/fetch.go:6 +0x9c

goroutine 9 [chan send]:
example.com/shop.Fetch.func1()
	/src/shop/fetch.go:6 +0x2a
created by example.com/shop.Fetch in goroutine 1
	/src/shop/fetch.go:6 +0x9c
`

// leakedReport parses leakedDump and builds its report, as a check does
// with what a test left behind.
func leakedReport() *report.Report {
	s, err := profile.Parse(strings.NewReader(leakedDump))
	if err != nil {
		log.Fatal(err)
	}
	leaks := make([]report.Leak, 0, len(s.Goroutines))
	for _, g := range s.Goroutines {
		leaks = append(leaks, report.Leak{Goroutine: g, Test: "TestFetch", Attribution: "label"})
	}
	// NoSource: /src/shop does not exist here, so the diagnosis rests on
	// the stacks alone.
	return report.New(leaks, report.Options{Title: "TestFetch", ModuleRoot: "/src", NoSource: true})
}

// New groups leaked goroutines by how and where they are stuck and
// diagnoses each group.
func ExampleNew() {
	r := leakedReport()
	fmt.Println(r.Total, "goroutines in", len(r.Groups), "group")
	g := r.Groups[0]
	fmt.Println(g.Reason, "at", r.RelPath(g.Block.File), "line", g.Block.Line, "by", g.Tests)
	// Output:
	// 2 goroutines in 1 group
	// chan-send at shop/fetch.go line 6 by [TestFetch]
}

// WriteText writes what a failing test prints.
func ExampleReport_WriteText() {
	var b bytes.Buffer
	if err := leakedReport().WriteText(&b); err != nil {
		log.Fatal(err)
	}
	first, _, _ := strings.Cut(b.String(), "\n")
	fmt.Println(first)
	// Output:
	// leakhound: TestFetch — 2 goroutines leaked in 1 group from 1 test
}

// WriteJSON writes the machine-readable report (its schema is
// report/SCHEMA.md); ReadJSON reads it back. Without the source, the
// diagnosis is the generic pattern for a blocked send (LH101); with it,
// the statement at the line would pick a precise one.
func ExampleReport_WriteJSON() {
	var b bytes.Buffer
	if err := leakedReport().WriteJSON(&b); err != nil {
		log.Fatal(err)
	}
	d, err := report.ReadJSON(&b)
	if err != nil {
		log.Fatal(err)
	}
	r := d.Reports[0]
	fmt.Println(r.Title, r.Total, r.Groups[0].Reason, r.Groups[0].Diagnosis.PatternID)
	// Output:
	// TestFetch 2 chan-send LH101
}

// WriteHTML writes a self-contained page: no network, readable with
// JavaScript off.
func ExampleReport_WriteHTML() {
	f, err := os.CreateTemp("", "leaks-*.html")
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(f.Name())
	if err := leakedReport().WriteHTML(f); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// WritePprof writes the groups as a pprof profile, for
// go tool pprof -http=: leaks.pb.gz.
func ExampleReport_WritePprof() {
	var b bytes.Buffer
	if err := leakedReport().WritePprof(&b); err != nil {
		log.Fatal(err)
	}
	fmt.Println(b.Len() > 0)
	// Output: true
}

// WriteAnnotations writes one GitHub Actions error per group, shown on the
// blocking line in a pull request.
func ExampleReport_WriteAnnotations() {
	var b bytes.Buffer
	if err := leakedReport().WriteAnnotations(&b); err != nil {
		log.Fatal(err)
	}
	// The command's head: where, and the title; the message after it holds
	// the diagnosis and the fix.
	head, _, _ := strings.Cut(strings.TrimPrefix(b.String(), "::error "), "::")
	fmt.Println(head)
	// Output: file=shop/fetch.go,line=6,title=LH101 2 leaked goroutines%3A chan send
}

// Filter narrows a report to the groups a caller wants, keeping Total
// right.
func ExampleReport_Filter() {
	r := leakedReport()
	r.Filter(func(g *report.Group) bool { return g.Reason != report.ReasonChanSend })
	fmt.Println(r.Total, len(r.Groups))
	// Output: 0 0
}

// Classify names why a goroutine is not running.
func ExampleClassify() {
	g := &profile.Goroutine{
		State:  "semacquire",
		Frames: []profile.Frame{{Func: "sync.(*WaitGroup).Wait"}, {Func: "example.com/shop.Run"}},
	}
	fmt.Println(report.Classify(g))
	// Output: waitgroup
}

// PatternByID looks up what a pattern ID in a report means and how to fix
// it.
func ExamplePatternByID() {
	p, ok := report.PatternByID("LH003")
	fmt.Println(ok, p.ID, p.Title != "", p.Fix != "")
	// Output: true LH003 true true
}
