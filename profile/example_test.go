package profile_test

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/leakhound/leakhound/profile"
)

// dump is a goroutine dump as runtime.Stack(buf, true), a crash or
// /debug/pprof/goroutine?debug=2 prints it, with the labels Go 1.26 prints
// under GODEBUG=tracebacklabels=1 (Go 1.27 prints them after the brackets;
// Parse reads both).
const dump = `goroutine 1 [running]:
main.main()
	/src/shop/main.go:12 +0x1d

goroutine 7 [chan send, 3 minutes labels:{"leakhound.test": "TestFetch"}]:
example.com/shop.Fetch.func1()
	/src/shop/fetch.go:6 +0x2a
created by example.com/shop.Fetch in goroutine 1
	/src/shop/fetch.go:6 +0x9c
`

// Parse reads a dump of any kind Go prints and says what each goroutine
// waits for, where, and who started it.
func ExampleParse() {
	s, err := profile.Parse(strings.NewReader(dump))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("format:", s.Format)
	for _, g := range s.Goroutines {
		fmt.Printf("goroutine %d [%s] in %s\n", g.ID, g.State, g.Frames[0].Func)
		if g.CreatedBy != nil {
			fmt.Printf("  created by %s in goroutine %d, labels %v\n", g.CreatedBy.Func, g.ParentID, g.Labels)
		}
	}
	// Output:
	// format: stack
	// goroutine 1 [running] in main.main
	// goroutine 7 [chan send] in example.com/shop.Fetch.func1
	//   created by example.com/shop.Fetch in goroutine 1, labels map[leakhound.test:TestFetch]
}

// ParseBytes reads the same formats from memory; here a goroutine profile
// as /debug/pprof/goroutine?debug=1 prints it: one record per stack, with
// the number of goroutines that share it.
func ExampleParseBytes() {
	profileText := []byte(`goroutine profile: total 4
3 @ 0x43a1c5 0x4084ac 0x4c1d2f 0x470961
# labels: {"leakhound.test":"TestFetch"}
#	0x4c1d2e	example.com/shop.Fetch.func1+0x2e	/src/shop/fetch.go:6

1 @ 0x43a1c5 0x470961
#	0x4c1e0a	main.main+0x2a	/src/shop/main.go:12
`)
	s, err := profile.ParseBytes(profileText)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("format:", s.Format)
	for _, g := range s.Goroutines {
		fmt.Printf("%d × %s\n", g.Count, g.Frames[0].Func)
	}
	// Output:
	// format: pprof-debug1
	// 3 × example.com/shop.Fetch.func1
	// 1 × main.main
}

// Count answers the question a check asks after a test: how many
// goroutines carrying the test's label are still alive?
func ExampleSnapshot_Count() {
	s, err := profile.Parse(strings.NewReader(dump))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Count("leakhound.test", "TestFetch"))
	fmt.Println(s.Count("leakhound.test", "TestOther"))
	// Output:
	// 1
	// 0
}

// Diff tells which goroutines a piece of code started and left running:
// the goroutines of the second snapshot that the first did not have.
func ExampleDiff() {
	before, err := profile.Parse(strings.NewReader("goroutine 1 [running]:\nmain.main()\n\t/src/shop/main.go:12 +0x1d\n"))
	if err != nil {
		log.Fatal(err)
	}
	after, err := profile.Parse(strings.NewReader(dump))
	if err != nil {
		log.Fatal(err)
	}
	for _, g := range profile.Diff(before, after) {
		fmt.Printf("new: goroutine %d blocked in %s at line %d\n", g.ID, g.Frames[0].Func, g.Frames[0].Line)
	}
	// Output:
	// new: goroutine 7 blocked in example.com/shop.Fetch.func1 at line 6
}

// Capture looks at the goroutines of this process, each with its ID,
// state, labels, stack and creator. Its output depends on the process, so
// the example only shows the call.
func ExampleCapture() {
	s, err := profile.Capture()
	if err != nil {
		log.Fatal(err)
	}
	for _, g := range s.Goroutines {
		if g.ID == profile.CurrentID() {
			fmt.Println("this goroutine is", g.State)
		}
	}
}

// CaptureAggregate is the cheap look: the runtime's goroutine profile, one
// record per distinct stack and label set. Compared with an earlier look,
// it tells whether labelled work left goroutines behind.
func ExampleCaptureAggregate() {
	before, err := profile.CaptureAggregate()
	if err != nil {
		log.Fatal(err)
	}
	// ... run the code under test, with its goroutines labelled ...
	after, err := profile.CaptureAggregate()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(after.Count("job", "import") - before.Count("job", "import"))
}

// CaptureLeaked asks the runtime which goroutines it can prove are blocked
// forever (Go 1.27, or Go 1.26 built with GOEXPERIMENT=goroutineleakprofile).
func ExampleCaptureLeaked() {
	if !profile.LeakProfileAvailable() {
		fmt.Println("this runtime cannot prove leaks")
		return
	}
	s, err := profile.CaptureLeaked()
	if err != nil {
		log.Fatal(err)
	}
	for _, g := range s.Goroutines {
		fmt.Printf("%d proven leaked at %s\n", g.Count, g.Frames[0].Func)
	}
}

// EnableTracebackLabels makes runtime.Stack print each goroutine's pprof
// labels, so a dump you take yourself can be attributed by Parse. A
// program calls it once, at start, with the GODEBUG it read.
func ExampleEnableTracebackLabels() {
	if !profile.EnableTracebackLabels(os.Getenv("GODEBUG")) {
		fmt.Println("GODEBUG sets tracebacklabels=0; dumps will carry no labels")
	}
}

// Package, Standard and Runtime tell whose code a frame is.
func ExampleFrame_Package() {
	for _, fn := range []string{
		"net/http.(*persistConn).readLoop",
		"runtime.gopark",
		"gopkg.in/yaml%2ev3.Unmarshal",
		"example.com/shop.Fetch.func1",
	} {
		f := profile.Frame{Func: fn}
		fmt.Printf("%-28s standard=%-5v runtime=%v\n", f.Package(), f.Standard(), f.Runtime())
	}
	// Output:
	// net/http                     standard=true  runtime=false
	// runtime                      standard=true  runtime=true
	// gopkg.in/yaml.v3             standard=false runtime=false
	// example.com/shop             standard=false runtime=false
}

// StandardPackage tells the standard library from modules, including
// modules whose path has no dot.
func ExampleStandardPackage() {
	fmt.Println(profile.StandardPackage("net/http"), profile.StandardPackage("example/worker"))
	// Output: true false
}
