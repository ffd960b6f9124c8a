package explain

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/golden"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// gokerReports holds the reports built so far, so the golden, claim and
// score tests build each kernel's report once per test binary (the race
// detector makes parsing the corpus slow). Reports are read, never changed.
var gokerReports = struct {
	sync.Mutex
	m map[string]*report.Report
}{m: make(map[string]*report.Report)}

// gokerReport returns the report of one GoKer kernel's dump, with its
// frames pointing into testdata/goker/src so the diagnosis reads the
// kernel's source.
func gokerReport(t testing.TB, name string) *report.Report {
	t.Helper()
	gokerReports.Lock()
	defer gokerReports.Unlock()
	if r, ok := gokerReports.m[name]; ok {
		return r
	}
	r := buildGokerReport(t, name)
	gokerReports.m[name] = r
	return r
}

func buildGokerReport(t testing.TB, name string) *report.Report {
	t.Helper()
	src, err := filepath.Abs(filepath.Join("testdata", "goker", "src"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "goker", "dumps", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.ReplaceAll(data, []byte("GOKER/"), []byte(src+"/"))
	snap, err := profile.ParseBytes(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var leaks []report.Leak
	for _, g := range snap.Goroutines {
		leaks = append(leaks, report.Leak{Goroutine: g})
	}
	return explained(leaks, report.Options{Title: name, ModuleRoot: src}, Options{})
}

func gokerNames(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "goker", "dumps", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no GoKer dumps: %v", err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".txt"))
	}
	return names
}

// TestGokerGolden keeps what leakhound says about each kernel.
func TestGokerGolden(t *testing.T) {
	for _, name := range gokerNames(t) {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := gokerReport(t, name).WriteText(&buf); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "goker", "golden", name+".txt"), gokerStable(golden.Normalise(buf.String())))
		})
	}
}

// contradictions returns the claims of g's diagnosis that its own source
// facts contradict. Each check reads the source independently of the
// diagnosis's wording: a select said to have no stop case that has one, a
// "ticker" that the source does not make with a ticker, buffer advice for
// a buffered channel, "nothing would release it" with a releasing
// statement in the package, "no deferred Unlock" next to a deferred one,
// context advice with no context in scope, "another goroutine holds" a
// lock the same goroutine holds, "nothing called" a method a leaked
// goroutine of the report is inside.
func contradictions(r *report.Report, g *report.Group) []string {
	var out []string
	if c := g.Diagnosis.Facts.Closer; c != nil && strings.Contains(g.Diagnosis.Summary, "nothing called") {
		for _, o := range r.Groups {
			if o.Stack == nil {
				continue
			}
			for _, f := range o.Stack.Frames {
				if strings.HasSuffix(f.Func, "."+c.At.Func) {
					out = append(out, "says nothing called "+c.At.Func+", but a leaked goroutine is inside it")
				}
			}
		}
	}
	d := g.Diagnosis
	text := d.Summary + "\n" + strings.Join(d.Evidence, "\n")
	f := d.Facts
	if f.Select != nil && strings.Contains(d.Summary, "none means stop") {
		for _, c := range f.Select.Cases {
			if c.Stop {
				out = append(out, fmt.Sprintf("says no case means stop, but the case at line %d (%s) does", c.Line, c.Channel))
			}
		}
	}
	if strings.Contains(d.Summary, "ticker") && g.Block.File != "" {
		src, _ := os.ReadFile(g.Block.File)
		if !bytes.Contains(src, []byte("NewTicker")) && !bytes.Contains(src, []byte("time.Tick(")) {
			out = append(out, "calls it a ticker, but its file makes no ticker")
		}
	}
	if strings.Contains(d.Summary, "no receiver is left") && slices.ContainsFunc(d.Evidence, func(e string) bool {
		return strings.HasPrefix(e, "partner: ")
	}) {
		out = append(out, "says no receiver is left, but names a leaked goroutine that would receive")
	}
	if strings.Contains(d.Summary, "buffered (1)") && f.Buffer != "" {
		out = append(out, "advises a buffer of 1 for a channel made with buffer "+f.Buffer)
	}
	if strings.Contains(d.Summary, "nothing in") && strings.Contains(d.Summary, "would release it") {
		n := len(f.Partners)
		if f.Select != nil {
			for _, c := range f.Select.Cases {
				n += len(c.Partners)
			}
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("says nothing would release it, but %d statements would", n))
		}
	}
	if strings.Contains(text, "has no deferred Unlock") {
		for _, m := range regexp.MustCompile(`at (\S+):(\d+) has no deferred Unlock`).FindAllStringSubmatch(text, -1) {
			if deferredUnlockNear(g, m[1], m[2]) {
				out = append(out, "says "+m[1]+":"+m[2]+" has no deferred Unlock, but its function defers one")
			}
		}
	}
	if selectOnDone.MatchString(d.Summary) && f.Context == "" && !strings.Contains(d.Summary, "t.Context()") &&
		d.PatternID != report.PatternContextNeverDone && d.PatternID != report.PatternHTTPHandlerCtx {
		out = append(out, "advises a select on Done() with no context in scope")
	}
	if strings.Contains(d.Summary, "another goroutine holds") || strings.Contains(d.Summary, "holder is itself blocked") {
		for _, h := range f.Held {
			if lastName(h.Mutex) == lastName(f.Object) {
				out = append(out, "says another goroutine holds "+f.Object+", but this one holds it since line "+fmt.Sprint(h.Lock.Line))
			}
		}
	}
	return out
}

// selectOnDone finds advice to wait on a context's Done channel.
var selectOnDone = regexp.MustCompile(`select (?:on|with) (?:<-)?\w+\.Done\(\)`)

// deferredUnlockNear reports whether the function around file:line defers
// an Unlock, by the text of the lines from the Lock to the function's end.
func deferredUnlockNear(g *report.Group, rel, line string) bool {
	path := g.Block.File
	if !strings.HasSuffix(path, rel) {
		return false
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	lines := strings.Split(string(src), "\n")
	var n int
	fmt.Sscan(line, &n)
	for i := n; i < len(lines) && i < n+40; i++ {
		l := strings.TrimSpace(lines[i])
		if strings.HasPrefix(l, "func ") || l == "}" && !strings.HasPrefix(lines[i], "\t") {
			break
		}
		if strings.HasPrefix(l, "defer") && strings.Contains(l, "nlock") {
			return true
		}
	}
	return false
}

// TestGokerNoContradictedClaim asserts that no diagnosis of the GoKer
// corpus states what its source contradicts.
func TestGokerNoContradictedClaim(t *testing.T) {
	for _, name := range gokerNames(t) {
		r := gokerReport(t, name)
		for i, g := range r.Groups {
			for _, c := range contradictions(r, g) {
				t.Errorf("%s group #%d (%s at %s:%d): %s\n%s", name, i+1, g.Reason, filepath.Base(g.Block.File),
					g.Block.Line, c, g.Diagnosis.Summary)
			}
		}
	}
}
