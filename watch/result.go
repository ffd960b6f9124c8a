package watch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/report"
)

// ReportOptions say what Report puts in the report.
type ReportOptions struct {
	// Title names the report; "" gives one naming the targets.
	Title string
	// ModuleRoot is the local checkout the diagnosis reads source from:
	// a file the dumps name that is not on this machine is looked for
	// under it by the tail of its path (see relocated); "" shows paths as
	// the targets printed them.
	ModuleRoot string
	// NoSource reads no source file at all.
	NoSource bool
	// Explain, when set, explains each group's report from the source
	// (the leakhound command passes one calling explain.Report); nil keeps
	// the diagnosis the stack gives. A function, so that a program
	// watching does not link the type checker unless it asks to.
	Explain func(*report.Report)
	// All includes the Stable groups; without it only Proven and Growing
	// groups are reported.
	All bool
}

// Result is the end of a watch: the report and what the watch knows of
// each group and target.
type Result struct {
	// Report holds one group per reported fingerprint, diagnosed with
	// the source when it was found; Group.Count is the count at the last
	// look of every target, Leaked the proven ones, Trend the count over
	// time.
	Report *report.Report
	// Groups are parallel to Report.Groups.
	Groups []GroupStatus
	// Targets are the targets, in the order given.
	Targets []TargetStatus
	// Looks counts the looks taken; Dropped the groups not followed
	// (Options.MaxGroups).
	Looks, Dropped int
}

// Report builds the result of the watch so far.
func (w *Watcher) Report(o ReportOptions) *Result {
	res := &Result{Targets: w.TargetStatuses(), Looks: w.Looks(), Dropped: w.Dropped()}
	title := o.Title
	if title == "" {
		title = fmt.Sprintf("leakhound watch of %s", words.Plural(len(res.Targets), "target"))
		if len(res.Targets) == 1 {
			title = "leakhound watch of " + res.Targets[0].URL
		}
	}
	rep := &report.Report{Title: title, ModuleRoot: o.ModuleRoot, Dump: true, NoSource: o.NoSource}
	noSource := 0
	for _, st := range w.Groups() {
		if st.Verdict == Stable && !o.All {
			continue
		}
		if st.Group == nil || st.Group.Stack == nil {
			continue
		}
		stack := st.Group.Stack
		if !o.NoSource {
			stack = relocated(stack, o.ModuleRoot)
		}
		one := report.New([]report.Leak{{Goroutine: stack}},
			report.Options{ModuleRoot: o.ModuleRoot, NoSource: o.NoSource, Dump: true})
		if o.Explain != nil {
			o.Explain(one)
		}
		if len(one.Groups) != 1 {
			continue
		}
		g := one.Groups[0]
		g.Count, g.Leaked, g.IDs, g.Trend = st.Count, st.Proven, nil, st.Trend
		g.Diagnosis.Evidence = append(st.evidence(), g.Diagnosis.Evidence...)
		if !g.Diagnosis.FromSource && st.Verdict != Stable {
			noSource++
		}
		rep.Groups = append(rep.Groups, g)
		rep.Total += g.Count
		res.Groups = append(res.Groups, st)
	}
	rep.Notes = res.notes(noSource, o)
	res.Report = rep
	return res
}

// evidence says why the group got its verdict, first among its evidence.
func (st *GroupStatus) evidence() []string {
	var out []string
	for _, ic := range st.Instances {
		switch {
		case ic.Proven != 0:
			n := fmt.Sprintf("%d", ic.Proven)
			if ic.Proven < 0 {
				n = "some earlier"
			}
			out = append(out, fmt.Sprintf("proven leaked by the Go runtime's leak profile on %s: %s of %d", ic.Target, n, ic.Count))
		case ic.Rise != nil:
			out = append(out, fmt.Sprintf("growing on %s: the goroutines that stayed rose from %d to %d over the watch (bursts that drained are not counted); %d now", ic.Target, ic.Rise.From, ic.Rise.To, ic.Count))
		}
	}
	if st.Verdict == Stable {
		out = append(out, fmt.Sprintf("stable: %s now on %s", words.Plural(st.Count, "goroutine"), words.Plural(len(st.Instances), "target")))
	}
	return out
}

// notes say how the report was assembled: the looks, which targets could
// prove leaks and which only show growth, restarts, failures, what was
// left out.
func (res *Result) notes(noSource int, o ReportOptions) []string {
	var notes []string
	var leak, growth, failing, restarted []string
	for _, t := range res.Targets {
		switch {
		case t.Looks == 0:
		case t.LeakProfile:
			leak = append(leak, t.URL)
		default:
			growth = append(growth, t.URL)
		}
		if t.Err != "" {
			failing = append(failing, t.URL+" ("+t.Err+")")
		}
		if t.Restarts > 0 {
			restarted = append(restarted, fmt.Sprintf("%s (%s)", t.URL, words.Plural(t.Restarts, "restart")))
		}
	}
	notes = append(notes, fmt.Sprintf("%s of %s.", words.Plural(res.Looks, "look"), words.Plural(len(res.Targets), "target")))
	if len(leak) > 0 {
		notes = append(notes, "Serving the runtime's leak profile (Go 1.27+), so groups can be proven leaked: "+strings.Join(leak, ", ")+".")
	}
	if len(growth) > 0 {
		notes = append(notes, "Without the leak profile (before Go 1.27), so judged by growth only: "+strings.Join(growth, ", ")+".")
	}
	if len(restarted) > 0 {
		notes = append(notes, "Restarted during the watch; counts before and after a restart are not compared: "+strings.Join(restarted, ", ")+".")
	}
	if len(failing) > 0 {
		notes = append(notes, "Failing at the end: "+strings.Join(failing, "; ")+".")
	}
	if res.Dropped > 0 {
		notes = append(notes, fmt.Sprintf("%s not followed: the watch follows at most so many.", words.Plural(res.Dropped, "group")))
	}
	switch {
	case o.NoSource:
		notes = append(notes, "No source was read: the diagnoses rest on the stacks alone.")
	case noSource > 0:
		notes = append(notes, fmt.Sprintf("The source of %s was not found (the paths in the dumps are not on this machine or not under %s): their diagnoses rest on the stacks alone.", words.Plural(noSource, "flagged group"), rootName(o.ModuleRoot)))
	}
	return notes
}

func rootName(root string) string {
	if root == "" {
		return "the current directory"
	}
	return root
}

// Flagged returns the reported groups with at least verdict v that are
// not Known in the report's baseline: what -fail-on fails on.
func (res *Result) Flagged(v Verdict) []GroupStatus {
	var out []GroupStatus
	for i, st := range res.Groups {
		if st.Verdict >= v && !res.Report.Groups[i].Known {
			out = append(out, st)
		}
	}
	return out
}

// WriteJSON writes the result as one JSON object: "looks", "targets",
// "groups" (each GroupStatus with the report group's fingerprint as the
// baseline knows it) and "report", the report in the form
// report.ReadJSON reads.
func (res *Result) WriteJSON(w io.Writer) error {
	var rep bytes.Buffer
	if err := res.Report.WriteJSON(&rep); err != nil {
		return err
	}
	type jsonGroup struct {
		GroupStatus
		ReportFingerprint string `json:"report_fingerprint"`
		Known             bool   `json:"known,omitempty"`
	}
	doc := struct {
		Looks   int             `json:"looks"`
		Dropped int             `json:"dropped_groups,omitempty"`
		Targets []TargetStatus  `json:"targets"`
		Groups  []jsonGroup     `json:"groups"`
		Report  json.RawMessage `json:"report"`
	}{Looks: res.Looks, Dropped: res.Dropped, Targets: res.Targets, Groups: []jsonGroup{}, Report: rep.Bytes()}
	for i, st := range res.Groups {
		g := res.Report.Groups[i]
		doc.Groups = append(doc.Groups, jsonGroup{GroupStatus: st, ReportFingerprint: g.Fingerprint(), Known: g.Known})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// WriteSummary writes the verdicts in a few lines per reported group, for
// the end of a watch on a terminal.
func (res *Result) WriteSummary(w io.Writer) error {
	var b strings.Builder
	for _, n := range res.Report.Notes {
		b.WriteString(n + "\n")
	}
	if len(res.Groups) == 0 {
		b.WriteString("no group was proven leaked or growing.\n")
	}
	for i, st := range res.Groups {
		g := res.Report.Groups[i]
		status := ""
		if res.Report.Baseline != "" && g.Known {
			status = " (known: in the baseline)"
		}
		fmt.Fprintf(&b, "\n[%s]%s %s in %s\n", st.Verdict, status, words.Plural(st.Count, "goroutine"), g.Block.Func)
		fmt.Fprintf(&b, "    blocked at %s:%d (%s)\n", res.Report.RelPath(g.Block.File), g.Block.Line, g.Reason)
		if g.CreatedBy != nil {
			fmt.Fprintf(&b, "    created at %s:%d\n", res.Report.RelPath(g.CreatedBy.File), g.CreatedBy.Line)
		}
		if g.Origin != nil {
			fmt.Fprintf(&b, "    from %s:%d\n", res.Report.RelPath(g.Origin.File), g.Origin.Line)
		}
		if len(st.Trend) > 1 {
			fmt.Fprintf(&b, "    over %s: %s\n", st.Span.Round(time.Second), trendText(st.Trend))
		}
		for _, e := range g.Diagnosis.Evidence {
			fmt.Fprintf(&b, "    - %s\n", e)
		}
		if g.Diagnosis.Summary != "" {
			fmt.Fprintf(&b, "    why: %s\n", g.Diagnosis.Summary)
		}
		if fix := g.Diagnosis.FixText(); fix != "" {
			fmt.Fprintf(&b, "    fix: %s\n", fix)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// trendText is a trend in a few numbers: at most eight, evenly spaced.
func trendText(trend []int) string {
	step := max(1, (len(trend)+7)/8)
	var parts []string
	for i := 0; i < len(trend); i += step {
		parts = append(parts, fmt.Sprint(trend[i]))
	}
	if (len(trend)-1)%step != 0 {
		parts = append(parts, fmt.Sprint(trend[len(trend)-1]))
	}
	return strings.Join(parts, " → ")
}
