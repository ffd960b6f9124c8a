package realbugs

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// Claim is what a diagnosis says about one group of leaked goroutines,
// reduced to what the score compares. A diagnoser (Diagnose) turns its own
// output into claims; ReportClaims (a test of this package) does it for
// explain.Report.
type Claim struct {
	// IDs are the goroutines the claim is about.
	IDs []int64
	// Block is where the diagnosis says they block (an absolute file, as
	// the stack names it).
	Block Loc
	// Pattern is the catalog pattern ID it chose (report.PatternRecvNoSender, …).
	Pattern string
	// Cycle reports that it found the goroutines in a cycle of waits.
	Cycle bool
	// Partners are every statement it names as what would release the
	// goroutines: the partner statements of their channel, lock,
	// WaitGroup, Cond or context, the partners of a select's cases, the
	// releasing statement of each cycle edge.
	Partners []Loc
	// Closer is the existing method or function it says to call, as
	// "Type.Method" for a method or the plain name of a function or func
	// value; "" when it names none.
	Closer string
	// Fix is the fix as worded, for the table.
	Fix string
	// Edited holds, by absolute path, each file its suggested edits change,
	// with the edits applied; nil when it offers no edit.
	Edited map[string][]byte
}

// Loc is a file:line in the files the stacks name.
type Loc struct {
	File string
	Line int
}

// Diagnose explains the goroutines a case left behind. The score calls it
// once per case with the capture of that case alone.
type Diagnose func(c Case, capt Capture) ([]Claim, error)

// Row is one case's score.
type Row struct {
	Case string
	// Found reports that a claim covers a goroutine blocked at the truth's
	// line; every other field is false without it.
	Found bool
	// Block: the claim's blocking line is the truth's.
	Block bool
	// Class: the claim's pattern states the truth's class (ClassPatterns),
	// or the claim found a cycle where the truth's class is "cycle".
	Class bool
	// Partner: the truth's partner is among the claim's partners, or the
	// truth has none and the claim names none.
	Partner bool
	// Fix: the fix as worded is the real one: the claim's Closer is the
	// truth's FixCall, or its suggested edits, applied, remove the leak.
	Fix bool
	// Edit is what applying the claim's suggested edits did: "" (no edit),
	// "removes", "leaks" (the case still leaves a goroutine) or "breaks"
	// (the edited code does not build or the run fails).
	Edit string
	// Pattern and Said are the claim's pattern and fix, for the table.
	Pattern, Said string
	// Detail says what went wrong, for the log.
	Detail string
}

// ClassPatterns are the catalog patterns that state each class, as the
// GoKer score (explain/goker_score_test.go) counts them.
var ClassPatterns = map[string][]string{
	"no-receiver":     {report.PatternSendNoReceiver},
	"no-sender":       {report.PatternRecvNoSender, report.PatternRangeUnclosed, report.PatternGenericReceive},
	"never-closed":    {report.PatternNeverClosed},
	"never-cancelled": {report.PatternContextNeverDone, report.PatternNeverClosed},
	"missing-done":    {report.PatternWaitGroup},
	"missing-unlock":  {report.PatternMutexHeld, report.PatternRWMutexDeadlock},
	"rlock-writer":    {report.PatternRWMutexDeadlock, report.PatternMutualWait},
	"missed-signal":   {report.PatternCondNoSignal},
	"timer-drain":     {report.PatternSelectNoExit, report.PatternTickerLoop},
}

// Score runs every case, has diagnose explain what it left behind, and
// scores each claim against the truth; suggested edits are applied with r
// (a build overlay) and the case rerun in a process of its own. It returns
// one row per case, in Cases order.
func Score(diagnose Diagnose, r *Runner) ([]Row, error) {
	cases := Cases()
	rows := make([]Row, len(cases))
	judged := make([]*Claim, len(cases))
	edited := make(map[string]map[string][]byte)
	for i, c := range cases {
		capt, err := c.Leak(r.Limit)
		if err != nil {
			return nil, err
		}
		claims, err := diagnose(c, capt)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		rows[i], judged[i] = scoreCase(c, capt, claims)
		if judged[i] != nil && judged[i].Edited != nil {
			edited[c.Name] = judged[i].Edited
		}
	}
	results, errs := r.TryEach(edited)
	for i, c := range cases {
		if _, ok := edited[c.Name]; ok {
			scoreEdit(&rows[i], c.Truth, results[c.Name], errs[c.Name])
		}
	}
	return rows, nil
}

// scoreEdit records what applying the claim's edits did: the fix counts
// when they removed the leak.
func scoreEdit(row *Row, t Truth, res Result, err error) {
	switch {
	case err != nil:
		row.Edit = "breaks"
		row.Detail = join(row.Detail, "edit: "+firstLine(err.Error()))
	case res.Clean:
		row.Edit = "removes"
		row.Fix = true
		return
	default:
		row.Edit = "leaks"
	}
	if !row.Fix {
		row.Detail = join(row.Detail, fmt.Sprintf("fix %q, truth calls %q", firstLine(row.Said), t.FixCall))
	}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// scoreCase scores the claim covering the leaked goroutine on everything
// but its edits, and returns it (nil when none covers it).
func scoreCase(c Case, capt Capture, claims []Claim) (Row, *Claim) {
	row := Row{Case: c.Name}
	i := slices.IndexFunc(claims, func(cl Claim) bool {
		return slices.ContainsFunc(cl.IDs, func(id int64) bool { return slices.Contains(capt.Blocked, id) })
	})
	if i < 0 {
		row.Detail = "no claim covers the leaked goroutine"
		return row, nil
	}
	cl := claims[i]
	t := c.Truth
	row.Found, row.Pattern, row.Said = true, cl.Pattern, cl.Fix
	row.Block = cl.Block == Loc{c.Abs(t.Block), t.Block.Line}
	row.Class = slices.Contains(ClassPatterns[t.Class], cl.Pattern) || t.Class == "cycle" && cl.Cycle
	if t.Partner == nil {
		row.Partner = len(cl.Partners) == 0
	} else {
		row.Partner = slices.Contains(cl.Partners, Loc{c.Abs(*t.Partner), t.Partner.Line})
	}
	var why []string
	if !row.Block {
		why = append(why, fmt.Sprintf("block %s:%d, truth %s", filepath.Base(cl.Block.File), cl.Block.Line, t.Block))
	}
	if !row.Partner {
		why = append(why, fmt.Sprintf("partners %s, truth %v", locs(cl.Partners), posOrNone(t.Partner)))
	}
	row.Fix = t.FixCall != "" && closerIs(cl.Closer, t.FixCall)
	if !row.Fix && cl.Edited == nil {
		why = append(why, fmt.Sprintf("fix %q, truth calls %q", firstLine(cl.Fix), t.FixCall))
	}
	row.Detail = strings.Join(why, "; ")
	return row, &cl
}

// closerIs reports whether the claim's closer is the truth's call: the
// same "Type.Method", or the same plain name when the truth names a
// function or func value.
func closerIs(closer, want string) bool {
	if closer == want {
		return true
	}
	if !strings.Contains(want, ".") {
		_, m, _ := strings.Cut(closer, ".")
		return m == want
	}
	return false
}

func locs(ls []Loc) string {
	if len(ls) == 0 {
		return "none"
	}
	var s []string
	for _, l := range ls {
		s = append(s, fmt.Sprintf("%s:%d", filepath.Base(l.File), l.Line))
	}
	return strings.Join(s, ",")
}

func posOrNone(p *Pos) string {
	if p == nil {
		return "none"
	}
	return p.String()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// Totals counts the rows that are right on each measure.
type Totals struct {
	Cases, Found, Block, Class, Partner, Fix int
	// Edits is how many cases were offered an edit; EditsRemove how many
	// of those edits removed the leak.
	Edits, EditsRemove int
}

// Total sums rows.
func Total(rows []Row) Totals {
	var t Totals
	for _, r := range rows {
		t.Cases++
		for _, b := range []struct {
			ok bool
			n  *int
		}{{r.Found, &t.Found}, {r.Block, &t.Block}, {r.Class, &t.Class}, {r.Partner, &t.Partner}, {r.Fix, &t.Fix}} {
			if b.ok {
				*b.n++
			}
		}
		if r.Edit != "" {
			t.Edits++
		}
		if r.Edit == "removes" {
			t.EditsRemove++
		}
	}
	return t
}

// Table renders rows and their totals as a Markdown table.
func Table(rows []Row) string {
	var b strings.Builder
	mark := func(ok bool) string {
		if ok {
			return "yes"
		}
		return "no"
	}
	b.WriteString("| case | pattern | block | class | partner | fix | edit |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, r := range rows {
		edit := r.Edit
		if edit == "" {
			edit = "none"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.Case, r.Pattern, mark(r.Block), mark(r.Class), mark(r.Partner), mark(r.Fix), edit)
	}
	t := Total(rows)
	fmt.Fprintf(&b, "| **%d cases** | | %d | %d | %d | %d | %d of %d remove |\n", t.Cases, t.Block, t.Class, t.Partner, t.Fix, t.EditsRemove, t.Edits)
	return b.String()
}

// ModuleRoot returns the directory of the go.mod above dir.
func ModuleRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
	}
}
