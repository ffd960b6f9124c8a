package leakcheck

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

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
// body without subtests, then halves of its subtests. A goroutine no label
// ties to a test starts one level up: halves of its candidate top-level
// tests. This costs runs only when a leak is found, at most maxProbeRuns,
// each with a share of what is left of -test.timeout, and is exact when the
// leak recurs when its subtest runs alone. When it recurs only with several
// subtests together, they are all named with "one of"; when it does not
// recur at all, or the runs stop early, the top-level test is named and the
// report says why.

// probeEnv names, in the environment of a copy of the test binary started
// to find a subtest, the directory of that probe and its token, as
// "dir:token". A user's environment cannot make a test binary a probe
// (which would hide its failures): the copy is one only when dir holds the
// file probeTokenFile, written by the process that started it, with the
// same token (128 random bits, new for each VerifyTestMain) and that
// process's ID, which must be the copy's parent. The copy writes what it
// found to a new file in dir, never over an existing one.
const probeEnv = "LEAKHOUND_PROBE"

// probeTokenFile and probeKindsFile are the names of the files in a
// probe's directory: the token the parent wrote, and what the probe found.
const (
	probeTokenFile = "token"
	probeKindsFile = "kinds"
)

// maxProbeRuns bounds the copies of the test binary one VerifyTestMain runs.
const maxProbeRuns = 32

// probeTarget returns, when this process is a probe started by a
// VerifyTestMain, the file to write its findings to. A probeEnv that does
// not check out is named on w and ignored, so the tests run and fail as
// usual. probeEnv is unset either way, so processes the tests start do not
// inherit it.
func probeTarget(w io.Writer, value string) (string, bool) {
	if value == "" {
		return "", false
	}
	os.Unsetenv(probeEnv)
	dir, token, _ := strings.Cut(value, ":")
	tokenPath := filepath.Join(dir, probeTokenFile)
	if fi, err := os.Lstat(tokenPath); err == nil && fi.Mode().IsRegular() && token != "" {
		if data, err := os.ReadFile(tokenPath); err == nil && string(data) == probeTokenText(token, os.Getppid()) {
			return filepath.Join(dir, probeKindsFile), true
		}
	}
	fmt.Fprintf(w, "leakcheck: ignoring %s: this process was not started by VerifyTestMain to name a test\n", probeEnv)
	return "", false
}

// probeTokenText is the content of the token file for a probe started by
// the process with ID pid.
func probeTokenText(token string, pid int) string {
	return token + "\n" + strconv.Itoa(pid) + "\n"
}

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
	// A new file only: a probe never writes over one that exists.
	if f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		_, _ = f.Write(buf.Bytes())
		_ = f.Close()
	}
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
	// userRun is the user's -test.run split into its per-level elements,
	// and userSkip the user's -test.skip: a probe runs nothing the user's
	// run did not.
	userRun  []string
	userSkip string
	// deadline is when the user's -test.timeout ends the process (zero
	// when it does not); each probe gets a share of the time left.
	deadline time.Time
	token    string // the probes' token (see probeEnv)
	runs     int
	// runFn runs one probe with a timeout; tests replace it.
	runFn func(pattern string, timeout time.Duration) (probeResult, error)
	seen  map[string]probeResult
	err   error // the latest failure of a probe
	// spent says why probing stopped early, "" while it has not.
	spent string
}

// probeResult is what one probe run left and which tests it ran.
type probeResult struct {
	kinds map[string]int
	names []string // tests and subtests run, as -test.v prints them
}

// Probe time: each probe may take probeShare of what is left of the
// user's -test.timeout, less probeReserve kept for the report and exit;
// with no timeout, probeCap. A probe needs at least probeMin.
const (
	probeShare   = 4 // a probe takes at most 1/probeShare of the time left
	probeReserve = 5 * time.Second
	probeCap     = 2 * time.Minute
	probeMin     = 2 * time.Second
)

// newProber returns a prober for this test binary, started at start, with
// the user's -test.run and -test.skip as they were before VerifyTestMain
// touched them.
func newProber(start time.Time, userRun, userSkip string) *prober {
	p := &prober{
		bin: os.Args[0], args: passedArgs(os.Args[1:]),
		userRun: splitRunPattern(userRun), userSkip: userSkip,
		token: randomToken(), seen: make(map[string]probeResult),
	}
	if f := flag.Lookup("test.timeout"); f != nil {
		if g, ok := f.Value.(flag.Getter); ok {
			if d, ok := g.Get().(time.Duration); ok && d > 0 {
				p.deadline = start.Add(d)
			}
		}
	}
	p.runFn = p.exec
	return p
}

// randomToken returns 128 random bits in hex.
func randomToken() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// probeTimeout is the time the next probe may take; ok is false when too
// little is left under the user's -test.timeout.
func (p *prober) probeTimeout() (time.Duration, bool) {
	if p.deadline.IsZero() {
		return probeCap, true
	}
	left := time.Until(p.deadline) - probeReserve
	d := min(left/probeShare, probeCap)
	return d, d >= probeMin
}

// probeDropped are the test flags a probe does not pass on: those it sets
// itself, and those that would write files, repeat tests, or change what
// runs.
var probeDropped = map[string]bool{
	"run": true, "skip": true, "count": true, "v": true, "list": true, "shuffle": true,
	"cpu": true, "failfast": true, "json": true, "timeout": true,
	"bench": true, "benchtime": true, "benchmem": true,
	"fuzz": true, "fuzztime": true, "fuzzminimizetime": true, "fuzzcachedir": true, "fuzzworker": true,
	"cpuprofile": true, "memprofile": true, "memprofilerate": true, "blockprofile": true,
	"blockprofilerate": true, "mutexprofile": true, "mutexprofilefraction": true, "trace": true,
	"coverprofile": true, "gocoverdir": true, "outputdir": true, "testlogfile": true, "artifacts": true,
}

// probeBoolFlags are the dropped flags that take no separate value.
var probeBoolFlags = map[string]bool{"v": true, "failfast": true, "benchmem": true, "json": true, "fuzzworker": true, "artifacts": true}

// passedArgs returns the arguments of this test binary that a probe passes
// on: the user's own flags and test flags such as -test.short.
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

// splitRunPattern splits a -test.run or -test.skip pattern into its
// per-level elements at the slashes outside brackets and parentheses, as
// the testing package does.
func splitRunPattern(pat string) []string {
	if pat == "" {
		return nil
	}
	var elems []string
	var cur strings.Builder
	brackets, parens := 0, 0
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		switch {
		case c == '\\' && i+1 < len(pat):
			cur.WriteByte(c)
			i++
			c = pat[i]
		case brackets > 0:
			if c == ']' {
				brackets--
			}
		case c == '[':
			brackets++
		case c == '(':
			parens++
		case c == ')' && parens > 0:
			parens--
		case c == '/' && parens == 0:
			elems = append(elems, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	return append(elems, cur.String())
}

// pattern is the -test.run of a probe narrowed to elems, one per level:
// the levels below them keep the user's own elements.
func (p *prober) pattern(elems []string) string {
	all := slices.Clone(elems)
	if len(p.userRun) > len(elems) && (len(elems) == 0 || elems[len(elems)-1] != "^$") {
		all = append(all, p.userRun[len(elems):]...)
	}
	return strings.Join(all, "/")
}

// exec runs one probe: the test binary with -test.run=pattern, verbose, in
// probe mode, its output kept from the user, killed after timeout.
func (p *prober) exec(pattern string, timeout time.Duration) (probeResult, error) {
	dir, err := os.MkdirTemp("", "leakhound-probe-")
	if err != nil {
		return probeResult{}, fmt.Errorf("making a directory for a probe run: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, probeTokenFile), []byte(probeTokenText(p.token, os.Getpid())), 0o600); err != nil {
		return probeResult{}, fmt.Errorf("writing a probe's token: %w", err)
	}
	out := filepath.Join(dir, probeKindsFile)
	args := append(slices.Clone(p.args), "-test.run="+pattern, "-test.count=1", "-test.v=true", "-test.timeout="+timeout.String())
	if p.userSkip != "" {
		args = append(args, "-test.skip="+p.userSkip)
	}
	// The probe's own -test.timeout ends a hung probe with a panic; the
	// context is the backstop for one that hangs in its exit.
	ctx, cancel := context.WithTimeout(context.Background(), timeout+probeReserve)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.bin, args...)
	// Coverage of the probe runs goes to the throw-away directory, so the
	// user's coverage counts only the real run.
	cmd.Env = append(os.Environ(), probeEnv+"="+dir+":"+p.token, "GOCOVERDIR="+dir)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stdout
	runErr := cmd.Run()
	data, err := os.ReadFile(out)
	if err != nil {
		if strings.Contains(stdout.String(), "test timed out after") || ctx.Err() != nil {
			return probeResult{}, fmt.Errorf("running %s -test.run=%s: it did not end within %v (%w)", filepath.Base(p.bin), pattern, timeout, errProbeTimeout)
		}
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

// errProbeTimeout marks a probe that did not end in its time: the tests it
// ran need others to run first, or hang alone.
var errProbeTimeout = errors.New("probe timed out")

// run runs one probe, once per pattern; ok is false when the budget is
// spent or the probe failed.
func (p *prober) run(elems []string) (probeResult, bool) {
	pattern := p.pattern(elems)
	if r, ok := p.seen[pattern]; ok {
		return r, true
	}
	if p.spent != "" {
		return probeResult{}, false
	}
	if p.runs >= maxProbeRuns {
		p.spent = fmt.Sprintf("the budget of %d runs was spent", maxProbeRuns)
		return probeResult{}, false
	}
	timeout, ok := p.probeTimeout()
	if !ok {
		p.spent = "too little was left of -test.timeout for another run"
		return probeResult{}, false
	}
	p.runs++
	r, err := p.runFn(pattern, timeout)
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
	var elems []string
	for _, e := range strings.Split(test, "/") {
		elems = append(elems, "^"+regexp.QuoteMeta(e)+"$")
	}
	all, ok := p.run(elems)
	if !ok || all.kinds[kind] == 0 {
		return ""
	}
	path := test
	for {
		children := childrenOf(all.names, path)
		if len(children) == 0 {
			return path
		}
		if body, ok := p.run(append(slices.Clone(elems), "^$")); !ok {
			return ""
		} else if body.kinds[kind] > 0 {
			return path // the test's own body starts it
		}
		cand := children
		for len(cand) > 1 {
			half := len(cand) / 2
			found := false
			for _, part := range [][]string{cand[:half], cand[half:]} {
				r, ok := p.run(append(slices.Clone(elems), alternation(part)))
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
					r, ok := p.run(append(slices.Clone(elems), alternation(rest)))
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

// testOf finds which of the top-level tests tops leaves goroutines of the
// kind, halving the set, then its subtest (subtestOf); "one of A, B" when
// only several together leave it, "" when it cannot tell.
func (p *prober) testOf(tops []string, kind string) string {
	cand := tops
	for len(cand) > 1 {
		half := len(cand) / 2
		found := false
		for _, part := range [][]string{cand[:half], cand[half:]} {
			r, ok := p.run([]string{alternation(part)})
			if !ok {
				return ""
			}
			if r.kinds[kind] > 0 {
				cand, found = part, true
				break
			}
		}
		if !found {
			return "one of " + strings.Join(cand, ", ")
		}
	}
	if len(cand) == 0 {
		return ""
	}
	return p.subtestOf(cand[0], kind)
}

// naming is what VerifyTestMain learned, after its report, about the tests
// behind the goroutines it could only tie to a top-level test, a parent, or
// no test.
type naming struct {
	named   []report.Leak // the goroutines named, each with its test
	unnamed int           // those the runs could not name
	// untiedNamed counts the named goroutines no test was tied to before.
	untiedNamed int
	runs        int    // the probes run
	why         string // why some are unnamed, "" when all are named
	// spent says why the runs stopped early, "" when they did not: a
	// "one of" answer may then be wider than the runs could have made it.
	spent string
}

// nameLeaks names, by running parts of the tests again, the test behind
// each leak tied only to a top-level test that ran subtests (by the label
// VerifyTestMain puts on each top-level test), tied to no test (a timer's
// or finalizer's goroutine: the candidates are the tests whose checks saw
// it appear, else every test that ran), and, among shared, those a Check
// failed a parent test for as one of its subtests. p is nil when probing
// is off: only what needs no run is named then.
func nameLeaks(leaks, shared []report.Leak, runs *testRuns, p *prober) naming {
	var out naming
	found := make(map[[2]string]string)
	name := func(l report.Leak, test string, tops []string) {
		kind := leakKind(l.Goroutine)
		key := [2]string{test + "|" + strings.Join(tops, "|"), kind}
		got, ok := found[key]
		if !ok {
			switch {
			case test == "" && len(tops) == 1 && !runs.hadSubtests(tops[0]):
				// The one test that ran: nothing to run again.
				got = tops[0]
			case p == nil:
			case test != "":
				got = p.subtestOf(test, kind)
			default:
				got = p.testOf(tops, kind)
			}
			found[key] = got
		}
		if got == "" {
			out.unnamed++
			return
		}
		if l.Test == "" {
			out.untiedNamed++
		}
		l.Test, l.Attribution = got, profile.ByRerun
		out.named = append(out.named, l)
	}
	for _, l := range leaks {
		switch {
		case l.Test == "":
			name(l, "", orphanTops(l.Goroutine.ID, runs))
		case l.Attribution == profile.ByLabel && !strings.Contains(l.Test, "/") && runs.hadSubtests(l.Test):
			name(l, l.Test, nil)
		}
	}
	for _, l := range shared {
		if parent := orphanParent(l.Goroutine.ID); parent != "" {
			name(l, parent, nil)
		}
	}
	if p == nil {
		if out.unnamed > 0 {
			out.why = "running parts of the tests again is off (NoReruns or " + rerunsEnv + "=off)"
		}
		return out
	}
	out.runs = p.runs
	out.spent = p.spent
	switch {
	case out.unnamed == 0:
	case p.spent != "":
		out.why = "the runs stopped early: " + p.spent
	case p.err != nil:
		out.why = p.err.Error()
	default:
		out.why = "they did not recur when their tests ran again"
	}
	return out
}

// orphanTops returns the top-level tests that may have started goroutine
// id, which no label or creator ties to a test: those of the candidates
// Checks recorded for it, else every top-level test that ran.
func orphanTops(id int64, runs *testRuns) []string {
	cands, _, ok := orphanCandidates(id)
	if !ok {
		return runs.ranTopLevel()
	}
	var tops []string
	for _, c := range cands {
		top, _, _ := strings.Cut(c, "/")
		tops = append(tops, top)
	}
	slices.Sort(tops)
	return slices.Compact(tops)
}

// note says in a line what the runs did and what they could not do.
func (n naming) note() string {
	var notes []string
	if n.runs > 0 {
		notes = append(notes, fmt.Sprintf("ran parts of the tests again %s to name the tests behind the goroutines.", times(n.runs)))
	}
	if n.unnamed > 0 {
		notes = append(notes, fmt.Sprintf("%s not named more closely than above: %s.", words.Plural(n.unnamed, "goroutine"), n.why))
	} else if n.spent != "" {
		notes = append(notes, "The runs stopped early ("+n.spent+"): a name given as \"one of\" several may be wider than it would otherwise be.")
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
