package reportdir_test

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/reportdir"
)

// leakedDump holds one goroutine a test left blocked on a send nobody
// receives, as runtime.Stack prints it.
const leakedDump = `goroutine 7 [chan send]:
example.com/shop.Fetch.func1()
	/src/shop/fetch.go:6 +0x2a
created by example.com/shop.Fetch in goroutine 1
	/src/shop/fetch.go:6 +0x9c
`

// fetchReport builds the report a check gives for leakedDump.
func fetchReport(test string) *report.Report {
	s, err := profile.Parse(strings.NewReader(leakedDump))
	if err != nil {
		log.Fatal(err)
	}
	leaks := []report.Leak{{Goroutine: s.Goroutines[0], Test: test, Attribution: profile.ByLabel}}
	return report.New(leaks, report.Options{Title: test, ModuleRoot: "/src", NoSource: true})
}

// tempDir makes a directory for an example and says how to remove it.
func tempDir() (string, func()) {
	dir, err := os.MkdirTemp("", "reportdir-example")
	if err != nil {
		log.Fatal(err)
	}
	return dir, func() { os.RemoveAll(dir) }
}

// WriteDir is what a failing check does when LEAKHOUND_REPORT is set: the
// package's JSON, HTML and pprof files, the directory's index, and the
// lock file that lets many test binaries write at once. ReadDir reads the packages back.
func ExampleWriteDir() {
	dir, done := tempDir()
	defer done()

	err := reportdir.WriteDir(dir, "example.com/shop", []*report.Report{fetchReport("TestFetch")})
	if err != nil {
		log.Fatal(err)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, n := range names {
		fmt.Println(filepath.Base(n))
	}
	docs, err := reportdir.ReadDir(dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(docs[0].Package, "has", len(docs[0].Reports), "report")
	// Output:
	// .leakhound.lock
	// catalog.html
	// index.html
	// pkg-example.com_shop.html
	// pkg-example.com_shop.json
	// pkg-example.com_shop.pb.gz
	// example.com/shop has 1 report
}

// Collect merges the report directories of CI shards into one; Write
// puts the merged directory on disk.
func ExampleCollect() {
	root, done := tempDir()
	defer done()

	// Two shards, each with the reports of one package.
	shards := []string{filepath.Join(root, "shard1"), filepath.Join(root, "shard2")}
	if err := reportdir.WriteDir(shards[0], "example.com/shop", []*report.Report{fetchReport("TestFetch")}); err != nil {
		log.Fatal(err)
	}
	if err := reportdir.WriteDir(shards[1], "example.com/cart", []*report.Report{fetchReport("TestCart")}); err != nil {
		log.Fatal(err)
	}

	m, err := reportdir.Collect(shards, "")
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range m.Docs {
		fmt.Println(d.Package)
	}
	if err := m.Write(filepath.Join(root, "merged")); err != nil {
		log.Fatal(err)
	}
	_, err = os.Stat(filepath.Join(root, "merged", reportdir.MergedJSON))
	fmt.Println("merged JSON written:", err == nil)
	// Output:
	// example.com/cart
	// example.com/shop
	// merged JSON written: true
}

// A baseline lists today's leaks so that later runs fail only on new ones.
func ExampleWriteBaseline() {
	dir, done := tempDir()
	defer done()
	if err := reportdir.WriteDir(dir, "example.com/shop", []*report.Report{fetchReport("TestFetch")}); err != nil {
		log.Fatal(err)
	}
	docs, err := reportdir.ReadDir(dir)
	if err != nil {
		log.Fatal(err)
	}

	var b bytes.Buffer
	if err := reportdir.WriteBaseline(&b, docs); err != nil {
		log.Fatal(err)
	}
	file := filepath.Join(dir, "leakhound-baseline.txt")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}

	base, err := reportdir.ReadBaseline(file)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("known leaks:", base.Len())
	fmt.Println("new goroutines in the same leak:", base.Mark(fetchReport("TestFetch")))
	// Output:
	// known leaks: 1
	// new goroutines in the same leak: 0
}
