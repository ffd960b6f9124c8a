package profile

import "strings"

// Context is what a dump says about why it was printed, read from the lines
// outside its goroutines (Snapshot.Text): a crash, a signal, a test binary
// that ran past its -timeout. The zero Context is a dump taken on purpose
// (runtime.Stack, a pprof endpoint), which says nothing.
type Context struct {
	// Crash is the line a dying process printed to say why: "panic: …",
	// "fatal error: …" or a signal's "SIGQUIT: quit". It is "" when the
	// dump has none, and for a test timeout, which Timeout describes.
	Crash string
	// Signal names the signal the process got, "SIGQUIT" or "SIGSEGV",
	// from "SIGQUIT: quit" or "[signal SIGSEGV: …]"; "" when none.
	Signal string
	// Timeout describes the testing package's -timeout panic; nil when the
	// dump is not from a test that timed out.
	Timeout *TestTimeout
}

// TestTimeout is what the testing package printed when a test binary ran
// past its -timeout.
type TestTimeout struct {
	// After is the timeout as printed, "10m0s".
	After string
	// Running are the tests that had not finished, in the printed order:
	// a test waiting for its subtests is listed with them.
	Running []RunningTest
}

// RunningTest is one line of the "running tests:" list.
type RunningTest struct {
	// Name is the test's full name, "TestX" or "TestX/sub"; a subtest's
	// own name may hold '/' too.
	Name string
	// Elapsed is how long it had run, as printed ("1m0s"); "" when not
	// printed.
	Elapsed string
}

// Markers of the lines Context is read from.
const (
	timeoutPrefix = "panic: test timed out after "
	runningTests  = "running tests:"
	signalLine    = "[signal "
)

// crashPrefixes start the line a Go program prints when it dies: a panic,
// a fatal runtime error, or a signal such as SIGQUIT.
var crashPrefixes = []string{"panic: ", "fatal error: ", "SIG"}

// readContext reads the context of a dump from its text lines.
func readContext(text []string) Context {
	var c Context
	for i, line := range text {
		line = strings.TrimSpace(line)
		if after, ok := strings.CutPrefix(line, timeoutPrefix); ok {
			c.Crash = ""
			c.Timeout = &TestTimeout{After: after, Running: runningList(text[i+1:])}
			continue
		}
		if sig, ok := strings.CutPrefix(line, signalLine); ok && c.Signal == "" {
			// "[signal SIGSEGV: segmentation violation code=… addr=0x0 pc=…]"
			if name, _, ok := strings.Cut(sig, ":"); ok && strings.HasPrefix(name, "SIG") {
				c.Signal = name
			}
			continue
		}
		if c.Crash != "" || c.Timeout != nil {
			continue
		}
		for _, p := range crashPrefixes {
			if !strings.HasPrefix(line, p) {
				continue
			}
			if p == "SIG" {
				// "SIG" alone would match any word; a signal line is
				// "SIGQUIT: quit".
				name, _, ok := strings.Cut(line, ": ")
				if !ok || strings.ContainsAny(name, " \t") {
					continue
				}
				c.Signal = name
			}
			c.Crash = line
			break
		}
	}
	return c
}

// runningList reads the "running tests:" list that follows the timeout
// panic: up to the first line that does not name a test.
func runningList(text []string) []RunningTest {
	var out []RunningTest
	inList := false
	for _, line := range text {
		line = strings.TrimSpace(line)
		if line == runningTests {
			inList = true
			continue
		}
		if !inList {
			continue
		}
		rt, ok := parseRunningTest(line)
		if !ok {
			break
		}
		out = append(out, rt)
	}
	return out
}

// parseRunningTest reads "TestX/sub (1m0s)"; test names hold no white
// space (the testing package writes it as underscores).
func parseRunningTest(s string) (RunningTest, bool) {
	name, rest, _ := strings.Cut(s, " ")
	top, _, _ := strings.Cut(name, "/")
	if !IsTestFunc(top) || strings.ContainsAny(name, "\t:") {
		return RunningTest{}, false
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return RunningTest{Name: name}, true
	}
	if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
		return RunningTest{}, false
	}
	return RunningTest{Name: name, Elapsed: rest[1 : len(rest)-1]}, true
}

// Names lists the running tests with their elapsed time, "TestX (2s),
// TestX/sub (2s)", for a report's first line.
func (t *TestTimeout) Names() string {
	parts := make([]string, len(t.Running))
	for i, rt := range t.Running {
		parts[i] = rt.Name
		if rt.Elapsed != "" {
			parts[i] += " (" + rt.Elapsed + ")"
		}
	}
	return strings.Join(parts, ", ")
}
