package report

import (
	"fmt"
	"io"

	pprofile "github.com/google/pprof/profile"

	"github.com/leakhound/leakhound/profile"
)

// Labels attached to every sample of a leak profile, so pprof can filter
// and tag by them (go tool pprof -tagfocus=reason=chan-send, -tags).
const (
	pprofLabelTest    = "test"
	pprofLabelReason  = "reason"
	pprofLabelPattern = "pattern"
	pprofLabelPackage = "package"
	pprofLabelState   = "state"
)

// WritePprof writes the leaked goroutines as a gzipped pprof profile
// (a .pb.gz file) so the usual tools can show where leaks block:
//
//	go tool pprof -http=: leaks.pb.gz
//	go tool pprof -top -tagfocus=reason=chan-send leaks.pb.gz
//
// The profile has one sample type, goroutine/count, and one sample per
// group whose value is the group's Count. The sample's stack is the group's
// representative stack, innermost call first, and its string labels carry
// the tests, the blocking reason, the catalog pattern ID, the package and
// the wait state. A group without a stack is placed at its blocking frame.
func (r *Report) WritePprof(w io.Writer) error {
	return writePprof(w, r.Title, "", []*Report{r})
}

// WritePprof writes every report of the document as one profile, as
// Report.WritePprof does for one; each sample's package label is its
// report's package, or the document's when the report names none.
func (d *Document) WritePprof(w io.Writer) error {
	title := d.Package
	if title == "" {
		title = "leak reports"
	}
	return writePprof(w, title, d.Package, d.Reports)
}

func writePprof(w io.Writer, title, pkg string, reports []*Report) error {
	p := pprofProfile(title, pkg, reports)
	if err := p.CheckValid(); err != nil {
		return fmt.Errorf("building the leak profile: %w", err)
	}
	if err := p.Write(w); err != nil {
		return fmt.Errorf("writing the leak profile: %w", err)
	}
	return nil
}

// pprofProfile converts the reports. Functions and locations are shared
// between samples, as pprof expects: one Function per name and file, one
// Location per function and line. pkg labels the samples of reports that
// name no package.
func pprofProfile(title, pkg string, reports []*Report) *pprofile.Profile {
	goroutines := &pprofile.ValueType{Type: "goroutine", Unit: "count"}
	p := &pprofile.Profile{
		SampleType: []*pprofile.ValueType{goroutines},
		PeriodType: &pprofile.ValueType{Type: "goroutine", Unit: "count"},
		Period:     1,
	}
	if title != "" {
		p.Comments = []string{"leakhound: " + title}
	}

	type funcKey struct{ name, file string }
	type locKey struct {
		fn   funcKey
		line int
	}
	funcs := map[funcKey]*pprofile.Function{}
	locs := map[locKey]*pprofile.Location{}
	location := func(f profile.Frame) *pprofile.Location {
		fk := funcKey{f.Func, f.File}
		fn, ok := funcs[fk]
		if !ok {
			name := shownName(f.Func)
			if name == "" {
				name = "?"
			}
			fn = &pprofile.Function{ID: uint64(len(p.Function) + 1), Name: name, SystemName: name, Filename: shownName(f.File)}
			funcs[fk] = fn
			p.Function = append(p.Function, fn)
		}
		lk := locKey{fk, f.Line}
		loc, ok := locs[lk]
		if !ok {
			loc = &pprofile.Location{ID: uint64(len(p.Location) + 1), Line: []pprofile.Line{{Function: fn, Line: int64(f.Line)}}}
			locs[lk] = loc
			p.Location = append(p.Location, loc)
		}
		return loc
	}

	for _, r := range reports {
		if r == nil {
			continue
		}
		rpkg := r.Package
		if rpkg == "" {
			rpkg = pkg
		}
		for _, g := range r.Groups {
			if g != nil {
				p.Sample = append(p.Sample, pprofSample(g, rpkg, location))
			}
		}
	}
	return p
}

// pprofSample is one group as a sample: its count, its stack and labels.
func pprofSample(g *Group, pkg string, location func(profile.Frame) *pprofile.Location) *pprofile.Sample {
	var frames []profile.Frame
	if g.Stack != nil {
		frames = g.Stack.Frames
	}
	if len(frames) == 0 && (g.Block.Func != "" || g.Block.File != "") {
		frames = []profile.Frame{g.Block}
	}
	s := &pprofile.Sample{Value: []int64{int64(max(g.Count, 0))}, Label: map[string][]string{}}
	for _, f := range frames {
		s.Location = append(s.Location, location(f))
	}
	if len(g.Tests) > 0 {
		s.Label[pprofLabelTest] = append([]string(nil), g.Tests...)
	}
	if g.Reason != "" {
		s.Label[pprofLabelReason] = []string{string(g.Reason)}
	}
	if g.Diagnosis.PatternID != "" {
		s.Label[pprofLabelPattern] = []string{g.Diagnosis.PatternID}
	}
	if pkg != "" {
		s.Label[pprofLabelPackage] = []string{pkg}
	}
	if g.State != "" {
		s.Label[pprofLabelState] = []string{g.State}
	}
	return s
}
