package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/leakhound/leakhound/internal/capread"
	"github.com/leakhound/leakhound/profile"
)

// SchemaVersion is the version of the JSON report format that WriteJSON
// writes and ReadJSON reads. It grows by one whenever a field changes
// meaning or is removed; new optional fields do not change it. SCHEMA.md
// in this directory describes every field.
const SchemaVersion = 1

// Document is the content of one JSON report file: the reports of one
// package, as written by reportdir.WriteDir (pkg-*.json) or by Report.WriteJSON.
// Use ReadJSON to load one, for example to merge the results of several
// runs or to render them again.
type Document struct {
	// SchemaVersion is the format version the file was written with.
	SchemaVersion int
	// Package is the import path the reports belong to ("" when unknown).
	Package string
	// GeneratedAt is when the file was written.
	GeneratedAt time.Time
	// Reports are the package's reports in the order they were written.
	Reports []*Report
	// Patterns are the catalog entries the groups refer to, by ID, as the
	// writer knew them. They let a reader show the fix without having the
	// same catalog version.
	Patterns map[string]Pattern
	// Shard names the part of a split test run that wrote the file, as
	// "index/total" (Bazel's TEST_SHARD_INDEX and TEST_TOTAL_SHARDS), ""
	// when the package's tests ran in one piece. Merging keeps one file
	// per package and shard: two files of one package and shard are a
	// rerun, two of different shards hold different tests.
	Shard string
}

// WriteJSON writes the report as a JSON document (see SchemaVersion and
// SCHEMA.md) holding this single report. Tools that want every report of
// a package at once read the pkg-*.json files reportdir.WriteDir writes instead.
func (r *Report) WriteJSON(w io.Writer) error {
	d := &Document{Package: r.Package, GeneratedAt: time.Now(), Reports: []*Report{r}}
	return d.WriteJSON(w)
}

// WriteJSON writes the document in the current schema version, indented.
// The patterns of its groups are looked up in the catalog when the
// document does not carry them already.
func (d *Document) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d.wire()); err != nil {
		return fmt.Errorf("writing the JSON report: %w", err)
	}
	return nil
}

// WriteCompactJSON writes the document as WriteJSON does, without the
// indentation: for documents of many packages, which tools read, where it
// saves a third of the size and most of the time to write.
func (d *Document) WriteCompactJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d.wire()); err != nil {
		return fmt.Errorf("writing the JSON report: %w", err)
	}
	return nil
}

// ErrSchemaVersion is wrapped by ReadJSON's error when a file was written
// in a schema version this version of leakhound cannot read.
var ErrSchemaVersion = errors.New("unsupported leakhound JSON schema version")

// ReadJSON reads a document written by WriteJSON or reportdir.WriteDir. It
// fails on malformed JSON, on anything after the document, on input larger
// than MaxJSONBytes (ErrTooLarge), on a missing schema_version (the input
// is not a leakhound report), on a schema version newer than SchemaVersion,
// and on counts that are negative or disagree with each other: a report
// may come from anyone (a shard of an untrusted CI job), so what it says is
// checked before anything sums or renders it. The patterns it carries are
// kept for IDs this build's catalog does not know; they never replace the
// catalog's own text.
func ReadJSON(r io.Reader) (*Document, error) {
	var w jsonDocument
	dec := json.NewDecoder(&capread.Reader{R: r, N: MaxJSONBytes, Err: fmt.Errorf("more than %d MiB: %w", MaxJSONBytes>>20, ErrTooLarge)})
	if err := dec.Decode(&w); err != nil {
		return nil, fmt.Errorf("reading the JSON report: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("more JSON")
		}
		return nil, fmt.Errorf("reading the JSON report: data after the report: %w", err)
	}
	switch {
	case w.SchemaVersion == 0:
		return nil, fmt.Errorf("reading the JSON report: no schema_version field, so this is not a leakhound report")
	case w.SchemaVersion > SchemaVersion || w.SchemaVersion < 0:
		return nil, fmt.Errorf("reading the JSON report: schema version %d, this leakhound reads up to %d: %w", w.SchemaVersion, SchemaVersion, ErrSchemaVersion)
	}
	if err := w.check(); err != nil {
		return nil, fmt.Errorf("reading the JSON report: %w", err)
	}
	return w.document(), nil
}

// The wire types below fix the JSON field names independently of the Go
// field names, so renaming a Go field never silently changes the schema.

type jsonDocument struct {
	SchemaVersion int            `json:"schema_version"`
	Generator     string         `json:"generator,omitempty"`
	Package       string         `json:"package"`
	GeneratedAt   time.Time      `json:"generated_at"`
	Reports       []jsonReport   `json:"reports"`
	Patterns      []*jsonPattern `json:"patterns,omitempty"`
	Shard         string         `json:"shard,omitempty"`
}

type jsonReport struct {
	Title      string      `json:"title"`
	Package    string      `json:"package,omitempty"`
	ModuleRoot string      `json:"module_root,omitempty"`
	Total      int         `json:"total"`
	Groups     []jsonGroup `json:"groups"`
	Baseline   string      `json:"baseline,omitempty"`
	// Dump and Context are Report.Dump and Report.Context, and Lines is
	// ContextLines: what a reader of the text or HTML report sees.
	Dump    bool         `json:"dump,omitempty"`
	Context *jsonContext `json:"context,omitempty"`
	// Cycles are Report.Cycles: groups that wait on each other, each set
	// listed once (facts_json.go).
	Cycles []jsonCycle `json:"cycles,omitempty"`
}

type jsonContext struct {
	Crash   string       `json:"crash,omitempty"`
	Signal  string       `json:"signal,omitempty"`
	Timeout *jsonTimeout `json:"timeout,omitempty"`
	Lines   []string     `json:"lines,omitempty"`
}

type jsonTimeout struct {
	After   string        `json:"after"`
	Running []jsonRunning `json:"running,omitempty"`
}

type jsonRunning struct {
	Name    string `json:"name"`
	Elapsed string `json:"elapsed,omitempty"`
}

func wireContext(r *Report) *jsonContext {
	lines := r.ContextLines()
	if len(lines) == 0 {
		return nil
	}
	c := r.Context
	w := &jsonContext{Crash: c.Crash, Signal: c.Signal, Lines: lines}
	if c.Timeout != nil {
		w.Timeout = &jsonTimeout{After: c.Timeout.After}
		for _, rt := range c.Timeout.Running {
			w.Timeout.Running = append(w.Timeout.Running, jsonRunning{rt.Name, rt.Elapsed})
		}
	}
	return w
}

func (w *jsonContext) context() profile.Context {
	if w == nil {
		return profile.Context{}
	}
	c := profile.Context{Crash: w.Crash, Signal: w.Signal}
	if w.Timeout != nil {
		c.Timeout = &profile.TestTimeout{After: w.Timeout.After}
		for _, rt := range w.Timeout.Running {
			c.Timeout.Running = append(c.Timeout.Running, profile.RunningTest{Name: rt.Name, Elapsed: rt.Elapsed})
		}
	}
	return c
}

type jsonGroup struct {
	Reason      Reason         `json:"reason"`
	State       string         `json:"state"`
	Count       int            `json:"count"`
	IDs         []int64        `json:"goroutine_ids,omitempty"`
	Tests       []string       `json:"tests,omitempty"`
	Leaked      int            `json:"leaked,omitempty"`
	WaitMinutes int            `json:"wait_minutes,omitempty"`
	Block       jsonFrame      `json:"block"`
	CreatedBy   *jsonFrame     `json:"created_by,omitempty"`
	Origin      *jsonFrame     `json:"origin,omitempty"`
	OriginFrom  string         `json:"origin_from,omitempty"`
	Diagnosis   jsonDiagnosis  `json:"diagnosis"`
	Stack       *jsonGoroutine `json:"stack,omitempty"`
	Known       bool           `json:"known,omitempty"`
	Fingerprint string         `json:"fingerprint,omitempty"`
	// EditCheck is there whenever the diagnosis has a suggestion: whether
	// leakhound fix verified it, and the command that does.
	EditCheck *jsonEditCheck `json:"edit_check,omitempty"`
}

// jsonEditCheck is EditCheck on the wire; verified is false, and outcome
// absent, for an edit fix has not tried.
type jsonEditCheck struct {
	Verified bool   `json:"verified"`
	Outcome  string `json:"outcome,omitempty"`
	Detail   string `json:"detail,omitempty"`
	Command  string `json:"command"`
}

type jsonFrame struct {
	Func string `json:"func"`
	File string `json:"file"`
	Line int    `json:"line"`
}

type jsonDiagnosis struct {
	PatternID  string   `json:"pattern_id,omitempty"`
	Summary    string   `json:"summary,omitempty"`
	Evidence   []string `json:"evidence,omitempty"`
	FromSource bool     `json:"from_source"`
	// Suggestion and NoEdit: see edit_json.go.
	Suggestion *jsonSuggestion `json:"suggestion,omitempty"`
	NoEdit     string          `json:"no_edit,omitempty"`
	// Fix is Diagnosis.Fix: this group's own fix naming its code, absent
	// when the pattern's general fix is all there is.
	Fix string `json:"fix,omitempty"`
	// Facts is Diagnosis.Facts (facts_json.go), absent when the source
	// showed nothing.
	Facts *jsonFacts `json:"facts,omitempty"`
}

type jsonPattern struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Why    string `json:"why,omitempty"`
	Fix    string `json:"fix,omitempty"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

type jsonGoroutine struct {
	ID               int64             `json:"id,omitempty"`
	State            string            `json:"state,omitempty"`
	WaitMinutes      int               `json:"wait_minutes,omitempty"`
	LockedToThread   bool              `json:"locked_to_thread,omitempty"`
	Leaked           bool              `json:"leaked,omitempty"`
	Durable          bool              `json:"durable,omitempty"`
	Bubble           int64             `json:"bubble,omitempty"`
	Labels           map[string]string `json:"labels,omitempty"`
	Frames           []jsonFrame       `json:"frames"`
	ElidedFrames     int               `json:"elided_frames,omitempty"`
	CreatedBy        *jsonFrame        `json:"created_by,omitempty"`
	ParentID         int64             `json:"parent_id,omitempty"`
	Ancestors        []jsonAncestor    `json:"ancestors,omitempty"`
	StackUnavailable bool              `json:"stack_unavailable,omitempty"`
	Truncated        bool              `json:"truncated,omitempty"`
	Count            int               `json:"count,omitempty"`
}

type jsonAncestor struct {
	ID        int64       `json:"id"`
	Frames    []jsonFrame `json:"frames"`
	CreatedBy *jsonFrame  `json:"created_by,omitempty"`
}

func (d *Document) wire() *jsonDocument {
	w := &jsonDocument{
		SchemaVersion: SchemaVersion,
		Generator:     "leakhound",
		Package:       d.Package,
		GeneratedAt:   d.GeneratedAt.UTC().Truncate(time.Second),
		Reports:       make([]jsonReport, 0, len(d.Reports)),
		Shard:         d.Shard,
	}
	seen := map[string]bool{}
	for _, r := range d.Reports {
		if r == nil {
			continue
		}
		jr := jsonReport{Title: r.Title, Package: r.Package, ModuleRoot: r.ModuleRoot, Total: r.Total, Groups: make([]jsonGroup, 0, len(r.Groups)),
			Baseline: r.Baseline, Dump: r.Dump, Context: wireContext(r), Cycles: wireCycles(r.Cycles)}
		for _, g := range r.Groups {
			if g == nil {
				continue
			}
			jr.Groups = append(jr.Groups, wireGroup(r, g))
			id := g.Diagnosis.PatternID
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			if p, ok := patternSource(d.Patterns).lookup(id); ok {
				w.Patterns = append(w.Patterns, &jsonPattern{ID: id, Title: p.Title, Why: p.Why, Fix: p.Fix, Before: p.Before, After: p.After})
			}
		}
		w.Reports = append(w.Reports, jr)
	}
	return w
}

func wireGroup(r *Report, g *Group) jsonGroup {
	var check *jsonEditCheck
	if g.Diagnosis.Suggestion != nil {
		check = &jsonEditCheck{Command: r.FixCommand(g)}
		if c := g.EditCheck; c != nil {
			check.Verified, check.Outcome, check.Detail = c.Verified(), c.Outcome, c.Detail
		}
	}
	return jsonGroup{
		EditCheck:   check,
		Reason:      g.Reason,
		State:       g.State,
		Count:       g.Count,
		IDs:         g.IDs,
		Tests:       g.Tests,
		Leaked:      g.Leaked,
		WaitMinutes: g.WaitMinutes,
		Block:       wireFrame(g.Block),
		CreatedBy:   wireFramePtr(g.CreatedBy),
		Origin:      wireFramePtr(g.Origin),
		OriginFrom:  g.OriginFrom,
		Diagnosis: jsonDiagnosis{
			PatternID:  g.Diagnosis.PatternID,
			Summary:    g.Diagnosis.Summary,
			Evidence:   g.Diagnosis.Evidence,
			FromSource: g.Diagnosis.FromSource,
			Suggestion: wireSuggestion(g.Diagnosis.Suggestion),
			NoEdit:     g.Diagnosis.NoEdit,
			Fix:        g.Diagnosis.Fix,
			Facts:      wireFacts(&g.Diagnosis.Facts),
		},
		Stack:       wireGoroutine(g.Stack),
		Known:       g.Known,
		Fingerprint: g.Fingerprint(),
	}
}

func wireFrame(f profile.Frame) jsonFrame {
	return jsonFrame{Func: shownName(f.Func), File: shownName(f.File), Line: f.Line}
}

func wireFramePtr(f *profile.Frame) *jsonFrame {
	if f == nil {
		return nil
	}
	w := wireFrame(*f)
	return &w
}

func wireFrames(fs []profile.Frame) []jsonFrame {
	out := make([]jsonFrame, len(fs))
	for i, f := range fs {
		out[i] = wireFrame(f)
	}
	return out
}

func wireGoroutine(g *profile.Goroutine) *jsonGoroutine {
	if g == nil {
		return nil
	}
	w := &jsonGoroutine{
		ID: g.ID, State: shownName(g.State), WaitMinutes: g.WaitMinutes, LockedToThread: g.LockedToThread,
		Leaked: g.Leaked, Durable: g.Durable, Bubble: g.Bubble, Labels: g.Labels,
		Frames: wireFrames(g.Frames), ElidedFrames: g.ElidedFrames, CreatedBy: wireFramePtr(g.CreatedBy),
		ParentID: g.ParentID, StackUnavailable: g.StackUnavailable, Truncated: g.Truncated, Count: g.Count,
	}
	for _, a := range g.Ancestors {
		w.Ancestors = append(w.Ancestors, jsonAncestor{ID: a.ID, Frames: wireFrames(a.Frames), CreatedBy: wireFramePtr(a.CreatedBy)})
	}
	return w
}

func (w *jsonDocument) document() *Document {
	d := &Document{SchemaVersion: w.SchemaVersion, Package: w.Package, GeneratedAt: w.GeneratedAt, Shard: w.Shard}
	for _, jr := range w.Reports {
		r := &Report{Title: jr.Title, Package: jr.Package, ModuleRoot: jr.ModuleRoot, Total: jr.Total, Baseline: jr.Baseline,
			Dump: jr.Dump, Context: jr.Context.context(), Cycles: cyclesOf(jr.Cycles)}
		for _, jg := range jr.Groups {
			r.Groups = append(r.Groups, jg.group())
		}
		d.Reports = append(d.Reports, r)
	}
	for _, p := range w.Patterns {
		if p == nil || p.ID == "" {
			continue
		}
		if d.Patterns == nil {
			d.Patterns = map[string]Pattern{}
		}
		d.Patterns[p.ID] = Pattern{ID: p.ID, Title: p.Title, Why: p.Why, Fix: p.Fix, Before: p.Before, After: p.After}
	}
	return d
}

func (jg *jsonGroup) group() *Group {
	return &Group{
		Reason:      jg.Reason,
		State:       jg.State,
		Count:       jg.Count,
		IDs:         jg.IDs,
		Tests:       jg.Tests,
		Leaked:      jg.Leaked,
		WaitMinutes: jg.WaitMinutes,
		Block:       jg.Block.frame(),
		CreatedBy:   jg.CreatedBy.framePtr(),
		Origin:      jg.Origin.framePtr(),
		OriginFrom:  jg.OriginFrom,
		Diagnosis: Diagnosis{
			PatternID:  jg.Diagnosis.PatternID,
			Summary:    jg.Diagnosis.Summary,
			Evidence:   jg.Diagnosis.Evidence,
			FromSource: jg.Diagnosis.FromSource,
			Suggestion: jg.Diagnosis.Suggestion.suggestion(),
			NoEdit:     jg.Diagnosis.NoEdit,
			Fix:        jg.Diagnosis.Fix,
			Facts:      jg.Diagnosis.Facts.facts(),
		},
		Stack:     jg.Stack.goroutine(),
		Known:     jg.Known,
		EditCheck: jg.EditCheck.editCheck(),
	}
}

// editCheck is the EditCheck the wire form holds, nil when fix has not
// tried the edit (only the command is there).
func (w *jsonEditCheck) editCheck() *EditCheck {
	if w == nil || w.Outcome == "" {
		return nil
	}
	return &EditCheck{Outcome: w.Outcome, Detail: w.Detail, Command: w.Command}
}

func (f jsonFrame) frame() profile.Frame {
	return profile.Frame{Func: f.Func, File: f.File, Line: f.Line}
}

func (f *jsonFrame) framePtr() *profile.Frame {
	if f == nil {
		return nil
	}
	pf := f.frame()
	return &pf
}

func framesOf(ws []jsonFrame) []profile.Frame {
	if len(ws) == 0 {
		return nil
	}
	out := make([]profile.Frame, len(ws))
	for i, w := range ws {
		out[i] = w.frame()
	}
	return out
}

func (w *jsonGoroutine) goroutine() *profile.Goroutine {
	if w == nil {
		return nil
	}
	g := &profile.Goroutine{
		ID: w.ID, State: w.State, WaitMinutes: w.WaitMinutes, LockedToThread: w.LockedToThread,
		Leaked: w.Leaked, Durable: w.Durable, Bubble: w.Bubble, Labels: w.Labels,
		Frames: framesOf(w.Frames), ElidedFrames: w.ElidedFrames, CreatedBy: w.CreatedBy.framePtr(),
		ParentID: w.ParentID, StackUnavailable: w.StackUnavailable, Truncated: w.Truncated, Count: w.Count,
	}
	for _, a := range w.Ancestors {
		g.Ancestors = append(g.Ancestors, profile.Ancestor{ID: a.ID, Frames: framesOf(a.Frames), CreatedBy: a.CreatedBy.framePtr()})
	}
	return g
}
