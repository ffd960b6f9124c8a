package leakcheck

import (
	"bufio"
	"bytes"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// Naming the subtest behind a leak.
//
// The label VerifyTestMain puts on each test names the top-level test: a
// subtest's goroutine inherits its parent's label, and nothing a goroutine
// carries tells which of a table's subtests started it (they all run the
// same closure, so even the creators' stacks under tracebackancestors are
// the same). The name is only known by running the subtests apart. So when
// a leak of TestX did not come from TestX's own goroutine and TestX ran
// subtests, VerifyTestMain runs copies of the test binary with -test.run
// narrowed to parts of TestX, each copy reporting what it left running
// (probeMain), and halves the set of subtests until the one that leaves a
// goroutine of the same kind is found, level by level: TestX alone, TestX's
// body without subtests, then halves of its subtests. This costs runs only
// when a leak is found, at most maxProbeRuns, and is exact when the leak
// recurs when its subtest runs alone. When it recurs only with several
// subtests together, they are all named with "one of"; when it does not
// recur at all, the top-level test is named and the report says so.

// probeEnv names, in the environment of a copy of the test binary started
// to find a subtest, the file where its VerifyTestMain writes what the
// tests left running instead of reporting it.
const probeEnv = "LEAKHOUND_PROBE"

// maxProbeRuns bounds the copies of the test binary one VerifyTestMain runs.
const maxProbeRuns = 32

// probeMain runs the tests and writes the kinds of the goroutines they left
// to path, one "kind<TAB>count" line each; its exit code is always 0.
func probeMain(m TestingM, cfg *config, path string) int {
	before := make(map[int64]bool)
	if s, err := cfg.look.full(); err == nil {
		for _, g := range s.Goroutines {
			before[g.ID] = true
		}
	}
	m.Run()
	var buf bytes.Buffer
	if v, err := settle(cfg, &processLooker{cfg: cfg, self: profile.CurrentID(), before: before}); err == nil {
		counts := make(map[string]int)
		for _, l := range v.leaks {
			counts[leakKind(l.Goroutine)]++
		}
		for _, k := range slices.Sorted(maps.Keys(counts)) {
			fmt.Fprintf(&buf, "%s\t%d\n", k, counts[k])
		}
	}
	_ = os.WriteFile(path, buf.Bytes(), 0o600)
	return 0
}

// leakKind is what a goroutine left by a test looks like in any run of it:
// the function it runs, the go statement that started it and where it
// blocks. IDs, addresses and ancestors differ between runs, so they are out.
func leakKind(g *profile.Goroutine) string {
	var b strings.Builder
	if n := len(g.Frames); n > 0 {
		b.WriteString(g.Frames[n-1].Func)
	}
	if c := g.CreatedBy; c != nil {
		fmt.Fprintf(&b, " from %s:%d", c.Func, c.Line)
	}
	if len(g.Frames) > 0 {
		fmt.Fprintf(&b, " at %s:%d", g.Frames[0].Func, g.Frames[0].Line)
	}
	return strings.ReplaceAll(b.String(), "\t", " ")
}

// prober runs copies of the test binary narrowed to parts of one package's
// tests, remembering each run's result.
type prober struct {
	bin  string   // the test binary
	args []string // its arguments, minus those a probe sets or must not pass on
	runs int
	// runFn runs one probe; tests replace it.
	runFn func(pattern string) (probeResult, error)
	seen  map[string]probeResult
	err   error // the first failure to run a probe
}

// probeResult is what one probe run left and which tests it ran.
type probeResult struct {
	kinds map[string]int
	names []string // tests and subtests run, as -test.v prints them
}

func newProber() *prober {
	p := &prober{bin: os.Args[0], args: passedArgs(os.Args[1:]), seen: make(map[string]probeResult)}
	p.runFn = p.exec
	return p
}

// probeDropped are the test flags a probe does not pass on: those it sets
// itself, and those that would write files, repeat tests, or change what
// runs.
var probeDropped = map[string]bool{
	"run": true, "skip": true, "count": true, "v": true, "list": true, "shuffle": true,
	"cpu": true, "failfast": true, "json": true,
	"bench": true, "benchtime": true, "benchmem": true,
	"fuzz": true, "fuzztime": true, "fuzzminimizetime": true, "fuzzcachedir": true, "fuzzworker": true,
	"cpuprofile": true, "memprofile": true, "memprofilerate": true, "blockprofile": true,
	"blockprofilerate": true, "mutexprofile": true, "mutexprofilefraction": true, "trace": true,
	"coverprofile": true, "gocoverdir": true, "outputdir": true, "testlogfile": true, "artifacts": true,
}

// probeBoolFlags are the dropped flags that take no separate value.
var probeBoolFlags = map[string]bool{"v": true, "failfast": true, "benchmem": true, "json": true, "fuzzworker": true, "artifacts": true}

// passedArgs returns the arguments of this test binary that a probe passes
// on: the user's own flags and test flags such as -test.short and
// -test.timeout.
func passedArgs(args []string) []string {
	var kept []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if rest, ok := strings.CutPrefix(name, "test."); ok && strings.HasPrefix(a, "-") && probeDropped[rest] {
			if !hasValue && !probeBoolFlags[rest] && i+1 < len(args) {
				i++
			}
			continue
		}
		kept = append(kept, a)
	}
	return kept
}

// exec runs one probe: the test binary with -test.run=pattern, verbose, in
// probe mode, its output kept from the user.
func (p *prober) exec(pattern string) (probeResult, error) {
	dir, err := os.MkdirTemp("", "leakhound-probe-")
	if err != nil {
		return probeResult{}, fmt.Errorf("making a directory for a probe run: %w", err)
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "kinds")
	args := append(slices.Clone(p.args), "-test.run="+pattern, "-test.count=1", "-test.v=true")
	cmd := exec.Command(p.bin, args...)
	// Coverage of the probe runs goes to the throw-away directory, so the
	// user's coverage counts only the real run.
	cmd.Env = append(os.Environ(), probeEnv+"="+out, "GOCOVERDIR="+dir)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stdout
	runErr := cmd.Run()
	data, err := os.ReadFile(out)
	if err != nil {
		return probeResult{}, fmt.Errorf("running %s -test.run=%s: %w (%v)", filepath.Base(p.bin), pattern, err, runErr)
	}
	res := probeResult{kinds: make(map[string]int)}
	for line := range strings.Lines(string(data)) {
		k, n, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		if c, err := strconv.Atoi(n); ok && err == nil {
			res.kinds[k] = c
		}
	}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if name, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "=== RUN"); ok {
			res.names = append(res.names, strings.TrimSpace(name))
		}
	}
	return res, nil
}

// run runs one probe, once per pattern; ok is false when the run budget is
// spent or the probe failed.
func (p *prober) run(pattern string) (probeResult, bool) {
	if r, ok := p.seen[pattern]; ok {
		return r, true
	}
	if p.runs >= maxProbeRuns || p.err != nil {
		return probeResult{}, false
	}
	p.runs++
	r, err := p.runFn(pattern)
	if err != nil {
		p.err = err
		return probeResult{}, false
	}
	p.seen[pattern] = r
	return r, true
}

// subtestOf finds the subtest of the top-level test that leaves goroutines
// of the kind: a test name, "one of A, B" when only several subtests
// together leave it, or "" when it cannot tell (the leak does not recur
// when test runs alone, or the budget ran out).
func (p *prober) subtestOf(test, kind string) string {
	elems := []string{"^" + regexp.QuoteMeta(test) + "$"}
	all, ok := p.run(elems[0])
	if !ok || all.kinds[kind] == 0 {
		return ""
	}
	path := test
	for {
		children := childrenOf(all.names, path)
		if len(children) == 0 {
			return path
		}
		if body, ok := p.run(strings.Join(append(slices.Clone(elems), "^$"), "/")); !ok {
			return ""
		} else if body.kinds[kind] > 0 {
			return path // the test's own body starts it
		}
		cand := children
		for len(cand) > 1 {
			half := len(cand) / 2
			found := false
			for _, part := range [][]string{cand[:half], cand[half:]} {
				r, ok := p.run(strings.Join(append(slices.Clone(elems), alternation(part)), "/"))
				if !ok {
					return ""
				}
				if r.kinds[kind] > 0 {
					cand, found = part, true
					break
				}
			}
			if !found {
				// Only several subtests together leave it: drop those the
				// leak does not need, one at a time.
				for i := 0; i < len(cand) && len(cand) > 1; {
					rest := slices.Delete(slices.Clone(cand), i, i+1)
					r, ok := p.run(strings.Join(append(slices.Clone(elems), alternation(rest)), "/"))
					if !ok {
						break
					}
					if r.kinds[kind] > 0 {
						cand = rest
						continue
					}
					i++
				}
				if len(cand) == 1 {
					found = true
					break
				}
				names := make([]string, len(cand))
				for i, c := range cand {
					names[i] = path + "/" + c
				}
				return "one of " + strings.Join(names, ", ")
			}
		}
		path += "/" + cand[0]
		elems = append(elems, "^"+regexp.QuoteMeta(cand[0])+"$")
	}
}

// childrenOf returns the names, one level down, of the subtests of parent
// among the full test names.
func childrenOf(names []string, parent string) []string {
	var kids []string
	for _, n := range names {
		rest, ok := strings.CutPrefix(n, parent+"/")
		if !ok || rest == "" {
			continue
		}
		kid, _, _ := strings.Cut(rest, "/")
		if !slices.Contains(kids, kid) {
			kids = append(kids, kid)
		}
	}
	return kids
}

// alternation is a -test.run element matching exactly the given names.
func alternation(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	return "^(" + strings.Join(quoted, "|") + ")$"
}

// nameSubtests replaces, in leaks, a top-level test that ran subtests by the
// subtest that left the goroutine, when a goroutine other than the test's
// own started it. It returns a note for the reader, "" when there is none.
func nameSubtests(leaks []report.Leak, runs *testRuns, p *prober) string {
	found := make(map[[2]string]string)
	unknown := 0
	for i := range leaks {
		l := &leaks[i]
		if l.Attribution != profile.ByLabel || strings.Contains(l.Test, "/") || !runs.hadSubtests(l.Test) {
			continue
		}
		key := [2]string{l.Test, leakKind(l.Goroutine)}
		name, ok := found[key]
		if !ok {
			name = p.subtestOf(key[0], key[1])
			found[key] = name
		}
		if name == "" {
			unknown++
			continue
		}
		l.Test = name
	}
	var notes []string
	if p.runs > 0 {
		notes = append(notes, fmt.Sprintf("ran parts of the tests again %s to name the subtests behind the goroutines.", times(p.runs)))
	}
	if unknown > 0 {
		why := "they did not recur when their test ran again"
		if p.err != nil {
			why = p.err.Error()
		}
		notes = append(notes, fmt.Sprintf("%s named by top-level test only: %s.", words.Plural(unknown, "goroutine"), why))
	}
	return strings.Join(notes, " ")
}

// times spells a count of runs.
func times(n int) string {
	if n == 1 {
		return "once"
	}
	return strconv.Itoa(n) + " times"
}
