package fixrun

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/reportdir"
)

// testRun is what one go test run found.
type testRun struct {
	// failed holds, per package, the tests that failed (subtests by their
	// full name); passed the tests that passed.
	failed, passed map[string][]string
	// broken holds, per package, the output of a package that failed
	// without a failing test: it did not build, or TestMain failed.
	broken map[string]string
	// output is each failing test's output, by package and test.
	output map[string]map[string]string
	// docs are the leak reports the tests wrote, one per package.
	docs []*report.Document
	// timedOut says the run hit the session's timeout.
	timedOut bool
}

// testEvent is one line of go test -json (test2json's event).
type testEvent struct {
	Action, Package, Test, Output string
}

// runTests runs go test on pkgs with -run and -count, the overlay when
// given, and the leak reports written to a directory of their own.
func (s *session) runTests(ctx context.Context, pkgs []string, run string, count int, overlay string) (*testRun, error) {
	dir, err := os.MkdirTemp(s.tmp, "report-")
	if err != nil {
		return nil, fmt.Errorf("creating the temporary report directory: %w", err)
	}
	args := []string{"test", "-json", "-count=" + strconv.Itoa(count), "-timeout=" + s.gorun.timeout.String()}
	args = append(args, s.buildFlags()...)
	if overlay != "" {
		args = append(args, "-overlay", overlay)
	}
	if run != "" {
		args = append(args, "-run", run)
	}
	res, err := s.gorun.run(ctx, []string{reportdir.Env + "=" + dir}, append(args, pkgs...)...)
	if err != nil {
		return nil, err
	}
	tr := parseTestJSON(res.out)
	tr.timedOut = res.timedOut
	if res.err != nil && len(tr.failed) == 0 && len(tr.broken) == 0 {
		// go test failed before any package ran: a bad flag, an overlay
		// it could not read.
		return nil, fmt.Errorf("go test: %w\n%s", res.err, bytes.TrimSpace(res.out))
	}
	tr.docs, err = readDocs(dir)
	return tr, err
}

// parseTestJSON reads go test -json output. Lines that are not events
// (go's own messages on a build failure) are kept as the output of the
// package they name when possible.
func parseTestJSON(out []byte) *testRun {
	tr := &testRun{
		failed: map[string][]string{}, passed: map[string][]string{},
		broken: map[string]string{}, output: map[string]map[string]string{},
	}
	pkgOut := map[string]*strings.Builder{}
	testOut := map[string]*strings.Builder{}
	var stray strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var ev testEvent
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil {
			stray.Write(line)
			stray.WriteByte('\n')
			continue
		}
		key := ev.Package + "\x00" + ev.Test
		switch ev.Action {
		case "output", "build-output":
			if ev.Test != "" {
				if testOut[key] == nil {
					testOut[key] = &strings.Builder{}
				}
				testOut[key].WriteString(ev.Output)
			}
			if pkgOut[ev.Package] == nil {
				pkgOut[ev.Package] = &strings.Builder{}
			}
			pkgOut[ev.Package].WriteString(ev.Output)
		case "pass":
			if ev.Test != "" {
				tr.passed[ev.Package] = appendOnce(tr.passed[ev.Package], ev.Test)
			}
		case "fail":
			if ev.Test != "" {
				tr.failed[ev.Package] = appendOnce(tr.failed[ev.Package], ev.Test)
				if tr.output[ev.Package] == nil {
					tr.output[ev.Package] = map[string]string{}
				}
				if b := testOut[key]; b != nil {
					tr.output[ev.Package][ev.Test] = b.String()
				}
				continue
			}
			if ev.Package != "" && len(tr.failed[ev.Package]) == 0 {
				text := ""
				if b := pkgOut[ev.Package]; b != nil {
					text = b.String()
				}
				tr.broken[ev.Package] = strings.TrimSpace(text + stray.String())
			}
		}
	}
	// A test that failed once of -count=N and passed another time failed.
	for pkg, failed := range tr.failed {
		tr.passed[pkg] = slices.DeleteFunc(tr.passed[pkg], func(t string) bool { return slices.Contains(failed, t) })
	}
	return tr
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// readDocs reads the pkg-*.json documents of a report directory.
func readDocs(dir string) ([]*report.Document, error) {
	names, err := filepath.Glob(filepath.Join(dir, "pkg-*.json"))
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var docs []*report.Document
	for _, n := range names {
		f, err := os.Open(n)
		if err != nil {
			return nil, fmt.Errorf("reading the leak report: %w", err)
		}
		d, err := report.ReadJSON(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading the leak report %s: %w", filepath.Base(n), err)
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// topTest is the top-level test of a test or subtest name.
func topTest(name string) string {
	top, _, _ := strings.Cut(name, "/")
	return top
}

// runPattern is the -run pattern that runs exactly the named top-level
// tests (and their subtests).
func runPattern(tests []string) string { return report.TestsPattern(tests) }
