package explain_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/explain"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// fetchSource is a function that returns the first answer and leaves the
// other senders blocked: nothing receives their sends.
const fetchSource = `package shop

func Fetch(urls []string) string {
	out := make(chan string)
	for _, u := range urls {
		go func() { out <- u }()
	}
	return <-out
}
`

// Report explains a report from the source at each blocking line: here, a
// send on an unbuffered channel that only one answer is read from.
// report.New alone names the generic pattern of a blocked send; the source
// shows the channel's make, and the fix is a buffer with room for every
// sender.
func ExampleReport() {
	dir, err := os.MkdirTemp("", "shop")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "fetch.go")
	if err := os.WriteFile(file, []byte(fetchSource), 0o644); err != nil {
		log.Fatal(err)
	}
	dump := `goroutine 7 [chan send]:
example.com/shop.Fetch.func1()
	` + file + `:6 +0x2a
created by example.com/shop.Fetch in goroutine 1
	` + file + `:6 +0x9c
`
	s, err := profile.Parse(strings.NewReader(dump))
	if err != nil {
		log.Fatal(err)
	}
	leaks := []report.Leak{{Goroutine: s.Goroutines[0], Test: "TestFetch"}}
	r := report.New(leaks, report.Options{Title: "TestFetch", ModuleRoot: dir})
	fmt.Println("stack:", r.Groups[0].Diagnosis.PatternID)

	// NoTypes: the example's package is not in a module, so its values are
	// matched by their names.
	explain.Report(r, explain.Options{NoTypes: true})
	d := r.Groups[0].Diagnosis
	p, _ := report.PatternByID(d.PatternID)
	fmt.Println("source:", d.PatternID, p.Title)
	fmt.Println("edit:", d.Suggestion.Lines[0])
	// Output:
	// stack: LH101
	// source: LH003 send with no receiver left
	// edit: out := make(chan string) → make(chan string, len(urls))
}
