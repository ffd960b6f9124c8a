package report

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/leakhound/leakhound/internal/srcfile"

	"github.com/leakhound/leakhound/profile"
)

// Options adjust how New builds a report.
type Options struct {
	// Title names what was checked (a test, a package, a file).
	Title string
	// Package is the import path of the package under test, when known.
	Package string
	// ModuleRoot is the directory of the user's go.mod; paths under it are
	// shown relative to it. Empty means paths are shown as captured.
	ModuleRoot string
	// NoSource turns off reading source files for the explanation
	// (package explain), the HTML excerpts and the diff: no file is read
	// at all.
	NoSource bool
	// SourceRoots are the directories, besides ModuleRoot, whose Go files
	// may be read (see internal/srcfile: only regular *.go files under
	// them, links resolved). Nil means the toolchain's: GOROOT and the
	// module cache. A dump names any path it likes; files outside these
	// directories are never read.
	SourceRoots []string
	// Dump says the leaks are every goroutine of a dump (Report.Dump).
	Dump bool
	// Context is why the dump was printed (Report.Context).
	Context profile.Context
}

// New classifies and groups leaks into a report: goroutines blocked for the
// same reason, in the same frames, started by the same go statement form
// one Group, largest first. Each group gets the diagnosis its stack alone
// gives; New reads no source file. Package explain explains the report
// from the source at each blocking line when its caller asks. Nil
// goroutines are skipped.
//
// New is linear in the number of goroutines; leakcheck calls it with what
// a test leaked, the CLI with a whole dump.
func New(leaks []Leak, opts Options) *Report {
	r := &Report{Title: opts.Title, Package: opts.Package, ModuleRoot: opts.ModuleRoot, Dump: opts.Dump, Context: opts.Context, NoSource: opts.NoSource}
	index := make(map[string]int)
	var builds []*groupBuild
	var key []byte
	for _, l := range leaks {
		g := l.Goroutine
		if g == nil {
			continue
		}
		reason := Classify(g)
		key = groupKey(key[:0], reason, g)
		i, ok := index[string(key)]
		if !ok {
			i = len(builds)
			index[string(key)] = i
			builds = append(builds, newGroupBuild(reason, g))
		}
		builds[i].add(g, l.Test)
	}

	if !opts.NoSource {
		roots := opts.SourceRoots
		if roots == nil {
			roots = srcfile.ToolchainDirs("", "")
		}
		r.sources = srcfile.New(append([]string{opts.ModuleRoot}, roots...)...)
	}
	r.Groups = make([]*Group, len(builds))
	for i, b := range builds {
		grp := b.finish()
		grp.Origin, grp.OriginFrom = origin(grp.Stack, opts.ModuleRoot)
		grp.Diagnosis = r.diagnoseStack(grp)
		if opts.Dump && grp.Reason == ReasonRunning {
			// In a dump a running goroutine is busy, often the one that
			// printed the dump: nothing to fix.
			grp.Diagnosis = Diagnosis{Summary: "running when the dump was taken: busy, not blocked", Evidence: grp.Diagnosis.Evidence}
		}
		r.Groups[i] = grp
		r.Total += grp.Count
	}
	testsFirst := opts.Context.Timeout != nil
	slices.SortStableFunc(r.Groups, func(a, b *Group) int {
		if c := ProvenFirst(a, b); c != 0 {
			return c
		}
		if testsFirst {
			// Of a test that timed out, the goroutines of the tests that
			// were running come first: ContextLines says so.
			if c := TestsFirst(a, b); c != 0 {
				return c
			}
		}
		return compareGroups(a, b)
	})
	r.FixVictims(r.onceWaits())
	return r
}

// compareGroups orders groups largest first; ties go by place, so the
// order does not depend on the order goroutines were listed in.
func compareGroups(a, b *Group) int {
	if c := cmp.Compare(b.Count, a.Count); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Block.File, b.Block.File); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Block.Line, b.Block.Line); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Block.Func, b.Block.Func); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Reason, b.Reason); c != 0 {
		return c
	}
	return cmp.Compare(firstID(a), firstID(b))
}

// ProvenFirst orders a group with goroutines the runtime proved leaked
// before one without: the first rule of every order of groups.
func ProvenFirst(a, b *Group) int {
	switch ap, bp := a.Leaked > 0, b.Leaked > 0; {
	case ap && !bp:
		return -1
	case bp && !ap:
		return 1
	}
	return 0
}

// TestsFirst orders a group that tests started before one no test is known
// to have started.
func TestsFirst(a, b *Group) int {
	switch at, bt := len(a.Tests) > 0, len(b.Tests) > 0; {
	case at && !bt:
		return -1
	case bt && !at:
		return 1
	}
	return 0
}

func firstID(g *Group) int64 {
	if len(g.IDs) == 0 {
		return 0
	}
	return g.IDs[0]
}

// groupKey appends the identity of g's group to buf: the reason, every
// frame and the creator. Separators are bytes that cannot occur in function
// names or paths printed by the runtime.
func groupKey(buf []byte, reason Reason, g *profile.Goroutine) []byte {
	buf = append(buf, reason...)
	for _, f := range g.Frames {
		buf = appendFrame(append(buf, 0), f)
	}
	buf = append(buf, 1)
	if g.CreatedBy != nil {
		buf = appendFrame(buf, *g.CreatedBy)
	}
	return buf
}

func appendFrame(buf []byte, f profile.Frame) []byte {
	buf = append(buf, f.Func...)
	buf = append(buf, 2)
	buf = append(buf, f.File...)
	buf = append(buf, 2)
	return strconv.AppendInt(buf, int64(f.Line), 10)
}

// groupBuild accumulates one group while goroutines are read.
type groupBuild struct {
	g     *Group
	tests map[string]struct{}
}

func newGroupBuild(reason Reason, g *profile.Goroutine) *groupBuild {
	// Names are cut to what a report shows (shownName) here, once, so
	// the diagnosis and every form built from the group stay readable.
	grp := &Group{Reason: reason, State: shownName(g.State), Stack: g}
	if bi := BlockIndex(g.Frames); bi >= 0 {
		grp.Block = g.Frames[bi]
		grp.Block.Func, grp.Block.File = shownName(grp.Block.Func), shownName(grp.Block.File)
	}
	if g.CreatedBy != nil {
		c := *g.CreatedBy
		c.Func, c.File = shownName(c.Func), shownName(c.File)
		grp.CreatedBy = &c
	}
	return &groupBuild{g: grp}
}

func (b *groupBuild) add(g *profile.Goroutine, test string) {
	n := g.Count
	if n <= 0 {
		n = 1
	}
	grp := b.g
	grp.Count += n
	if g.ID != 0 {
		grp.IDs = append(grp.IDs, g.ID)
	}
	if g.Leaked {
		grp.Leaked += n
	}
	grp.WaitMinutes = max(grp.WaitMinutes, g.WaitMinutes)
	if test != "" {
		if b.tests == nil {
			b.tests = make(map[string]struct{})
		}
		b.tests[test] = struct{}{}
	}
}

func (b *groupBuild) finish() *Group {
	grp := b.g
	slices.Sort(grp.IDs)
	if len(b.tests) > 0 {
		grp.Tests = make([]string, 0, len(b.tests))
		for t := range b.tests {
			grp.Tests = append(grp.Tests, t)
		}
		slices.Sort(grp.Tests)
	}
	return grp
}
