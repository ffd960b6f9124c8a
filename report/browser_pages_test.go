package report

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The browser test opens a report directory in headless Chromium. It lives
// in interop/report, the nested module that may require chromedp, so that
// no user of this package inherits it; this test writes the directory it
// opens, and what the pages must show, counted from the reports:
//
//	go test ./report -run '^TestBrowserPages$' -args -browser.pages=DIR
//
// Without the flag it writes to a temporary directory and checks that the
// fixture holds what the browser test filters on.
var browserPages = flag.String("browser.pages", "", "TestBrowserPages writes the browser test's report directory and "+browserExpectFile+" here")

// browserExpectFile is the file TestBrowserPages writes next to the pages:
// a browserExpect in JSON.
const browserExpectFile = "expect.json"

// browserExpect is what the browser test must find on the pages.
type browserExpect struct {
	Total       int    // goroutines in all reports
	Groups      int    // groups in all reports
	RealGroups  int    // groups on the real leaks' package page
	MutexGroups int    // groups waiting on a mutex
	SendGroups  int    // groups blocked sending
	PoolGroups  int    // groups TestPool leaked
	Reasons     int    // distinct reasons: the chart's bars
	PackagePage string // the real leaks' package page, relative to the directory
	Screenshot  string // the absolute path -update keeps the screenshot at
}

func TestBrowserPages(t *testing.T) {
	dir := *browserPages
	if dir == "" {
		dir = t.TempDir()
	}
	leakyPkg := strings.TrimSuffix(leakyPath, ".")
	real := realReports(t)
	fixture := fixtureReports(t, t.TempDir(), "example.com/app/store")
	writePagesDir(t, dir, packageDoc(leakyPkg, real...), packageDoc("example.com/app/store", fixture...))
	var want browserExpect
	reasons := map[Reason]bool{}
	for i, r := range slices.Concat(real, fixture) {
		for _, g := range r.Groups {
			want.Total += g.Count
			want.Groups++
			reasons[g.Reason] = true
			if i < len(real) {
				want.RealGroups++
			}
			if g.Reason == ReasonMutex {
				want.MutexGroups++
			}
			if g.Reason == ReasonChanSend {
				want.SendGroups++
			}
			if slices.Contains(g.Tests, "TestPool") {
				want.PoolGroups++
			}
		}
	}
	want.Reasons = len(reasons)
	want.PackagePage = testPageFiles(leakyPkg).HTML
	if want.MutexGroups == 0 || want.SendGroups == 0 || want.PoolGroups != 1 {
		t.Fatalf("fixture lacks the groups the filters are tried on: %d mutex, %d send, %d TestPool", want.MutexGroups, want.SendGroups, want.PoolGroups)
	}
	shot, err := filepath.Abs(filepath.Join("testdata", "screenshot.png"))
	if err != nil {
		t.Fatal(err)
	}
	want.Screenshot = shot
	b, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, browserExpectFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// browserLongPages is where TestBrowserLongNamePages writes the pages of
// interop/report's TestBrowserLongNames:
//
//	go test ./report -run '^TestBrowserLongNamePages$' -args -browser.longpages=DIR
var browserLongPages = flag.String("browser.longpages", "", "TestBrowserLongNamePages writes the long-names browser test's report directory and "+browserLongExpectFile+" here")

// browserLongExpectFile is the file TestBrowserLongNamePages writes next
// to its pages: a browserLongExpect in JSON.
const browserLongExpectFile = "expect-long.json"

// browserLongExpect is what the long-names browser test looks for.
type browserLongExpect struct {
	LongName    string // the first group's first test, 200 characters
	PackagePage string // the package's page, relative to the directory
}

// longTestName is the i-th 200-character subtest name, as table tests
// with every option in the case name produce.
func longTestName(i int) string {
	prefix := fmt.Sprintf("TestTable/case_%d_", i)
	return prefix + strings.Repeat("with_every_option_spelled_out_", 7)[:200-len(prefix)]
}

// TestBrowserLongNamePages writes pages whose tests have 200-character
// subtest names and whose package path is a module's with a major-version
// suffix; without the flag it checks, in a temporary directory, that the
// package page names the package, not the version suffix.
func TestBrowserLongNamePages(t *testing.T) {
	dir := *browserLongPages
	if dir == "" {
		dir = t.TempDir()
	}
	pkg := "github.com/example/a-rather-long-organisation-name/with-a-long-repository-name/internal/and/deep/packages/v3"
	reports := fixtureReports(t, t.TempDir(), pkg)
	for _, r := range reports {
		for i, g := range r.Groups {
			g.Tests = []string{longTestName(i), longTestName(i + 10)}
		}
	}
	writePagesDir(t, dir, packageDoc(pkg, reports...))
	want := browserLongExpect{LongName: longTestName(0), PackagePage: testPageFiles(pkg).HTML}
	page, err := os.ReadFile(filepath.Join(dir, want.PackagePage))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), longTestName(0)) {
		t.Errorf("the package page does not hold the full test name %q", longTestName(0))
	}
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, browserLongExpectFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
