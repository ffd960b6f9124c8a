package fixrun

import (
	"bufio"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/report"
)

// candidate is one set of edits to try.
type candidate struct {
	summary, from string
	edits         []report.Edit
	lines         []string
	// family names the kind of fix's own candidate ("buffer", "unlock
	// around"), "" for the report's suggestions.
	family string
}

// candidates are what fix tries for a target, in order: each group's
// suggested edit alone, then, when the target's groups suggest more than
// one, all of them together (a mutual wait needs both sides; a buffer
// and a close), then fix's own candidates (speculate.go), then those of
// one family for several groups together, each set of edits once.
func (s *session) candidates(t *target) []*candidate {
	var cands []*candidate
	seen := map[string]bool{}
	add := func(c *candidate) {
		k := editsKey(c.edits)
		if len(c.edits) == 0 || seen[k] {
			return
		}
		seen[k] = true
		cands = append(cands, c)
	}
	for _, g := range t.groups {
		sug := g.Diagnosis.Suggestion
		if sug == nil {
			continue
		}
		add(&candidate{
			summary: sug.Summary,
			from:    "the edit suggested for " + s.where(g),
			edits:   uniqueEdits(sug.Edits),
			lines:   slices.Clone(sug.Lines),
		})
	}
	if len(cands) > 1 {
		all := &candidate{from: "the edits of every group of " + testsWords(t) + " together"}
		var summaries []string
		for _, c := range cands {
			all.edits = append(all.edits, c.edits...)
			all.lines = append(all.lines, c.lines...)
			summaries = append(summaries, c.summary)
		}
		all.summary = strings.Join(summaries, "; and ")
		all.edits = uniqueEdits(all.edits)
		if applies(all.edits) {
			add(all)
		}
	}
	var own [][]*candidate
	for _, g := range t.groups {
		cs := s.speculate(g, t.groups)
		own = append(own, cs)
		for _, c := range cs {
			add(c)
		}
	}
	for _, c := range familyCombinations(own) {
		add(c)
	}
	return cands
}

// familyCombinations are, for each family of fix's own candidates that
// more than one group of the target has, the first candidate of that
// family of each such group applied together: two goroutines that each
// wait holding a lock, two senders each with its own channel, need the
// same edit twice. Only sets of edits that apply together are kept.
func familyCombinations(own [][]*candidate) []*candidate {
	var families []string
	for _, cs := range own {
		for _, c := range cs {
			families = appendOnce(families, c.family)
		}
	}
	var out []*candidate
	for _, fam := range families {
		all := &candidate{from: speculativeFrom, family: fam}
		var summaries []string
		groups := 0
		for _, cs := range own {
			i := slices.IndexFunc(cs, func(c *candidate) bool { return c.family == fam })
			if i < 0 {
				continue
			}
			groups++
			all.edits = append(all.edits, cs[i].edits...)
			all.lines = append(all.lines, cs[i].lines...)
			summaries = append(summaries, cs[i].summary)
		}
		all.edits = uniqueEdits(all.edits)
		if groups < 2 || !applies(all.edits) {
			continue
		}
		all.summary = strings.Join(summaries, "; and ")
		out = append(out, all)
	}
	return out
}

// editsKey identifies a set of edits.
func editsKey(edits []report.Edit) string {
	var b strings.Builder
	for _, e := range edits {
		fmt.Fprintf(&b, "%s:%d:%d:%q\n", e.File, e.Start, e.End, e.New)
	}
	return b.String()
}

// uniqueEdits sorts edits by file and offset and drops repeats.
func uniqueEdits(edits []report.Edit) []report.Edit {
	out := slices.Clone(edits)
	slices.SortStableFunc(out, func(a, b report.Edit) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End))
	})
	return slices.CompactFunc(out, func(a, b report.Edit) bool { return a == b })
}

// applies reports whether the edits apply together to the files as they
// are (none overlaps another, none is stale).
func applies(edits []report.Edit) bool {
	byFile := map[string][]report.Edit{}
	for _, e := range edits {
		byFile[e.File] = append(byFile[e.File], e)
	}
	for f, fe := range byFile {
		src, err := os.ReadFile(f)
		if err != nil {
			return false
		}
		if _, err := report.ApplyEdits(src, fe); err != nil {
			return false
		}
	}
	return true
}

// refusal says why a candidate is not tried at all, "" when it is tried:
// it edits a file outside the module, a generated file, a cgo file, or a
// file the build with these tags leaves out.
func (s *session) refusal(c *candidate) string {
	for _, e := range c.edits {
		rel, err := filepath.Rel(s.module, e.File)
		if err != nil || !filepath.IsAbs(e.File) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Sprintf("it edits %s, outside the module at %s; fix edits only the module's own files", e.File, s.module)
		}
		if generated(e.File) {
			return fmt.Sprintf("it edits %s, a generated file (it says DO NOT EDIT); change its generator instead", rel)
		}
		for _, p := range s.pkgs {
			if filepath.Dir(e.File) != p.Dir {
				continue
			}
			if slices.Contains(p.CgoFiles, filepath.Base(e.File)) {
				return fmt.Sprintf("it edits %s, a cgo file, which a build overlay cannot replace", rel)
			}
			if !p.files()[e.File] {
				return fmt.Sprintf("it edits %s, which the build leaves out under its build constraints (pass them with -tags)", rel)
			}
		}
	}
	return ""
}

// generatedRE is the comment that marks generated Go code
// (https://go.dev/s/generatedcode).
var generatedRE = regexp.MustCompile(`^// Code generated .* DO NOT EDIT\.$`)

// generated reports whether file carries the generated-code comment
// before its package clause.
func generated(file string) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if generatedRE.MatchString(line) {
			return true
		}
		if strings.HasPrefix(line, "package ") {
			return false
		}
	}
	return false
}

// where is a group's blocking line, relative to the module root.
func (s *session) where(g *report.Group) string {
	if g.Block.File == "" {
		return g.Block.Func
	}
	return fmt.Sprintf("%s:%d", s.rel(g.Block.File), g.Block.Line)
}

// rel is file relative to the module root when it lies inside it.
func (s *session) rel(file string) string {
	if r, err := filepath.Rel(s.module, file); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return file
}

// testsWords names a target's tests for a message.
func testsWords(t *target) string {
	if len(t.tests) == 0 {
		return t.pkg + "'s tests"
	}
	return strings.Join(t.tests, ", ")
}
