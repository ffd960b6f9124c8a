package profile

import (
	"encoding/json"
	"errors"
	"github.com/leakhound/leakhound/internal/dumptruth"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The corpus under testdata/dumps holds real dumps written by
// internal/gendump, one directory per Go version, each dump with a
// <dump>.truth.json stating what the goroutines in it recorded about
// themselves while they ran. These tests compare the parser's reading with
// that record, never with an earlier reading.

// textFormats are the formats this package's text parser reads; the
// corpus also holds pprof profiles, which pprof_test.go covers.
var textFormats = map[string]bool{string(FormatStack): true, string(FormatTestJSON): true}

// loadCorpus reads every truth file of the corpus, with Dump made a path.
func loadCorpus(t *testing.T) []*dumptruth.Truth {
	t.Helper()
	paths, err := dumptruth.Files(filepath.Join("testdata", "dumps"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no truth files under testdata/dumps; run go run ./profile/internal/gendump")
	}
	var out []*dumptruth.Truth
	for _, p := range paths {
		tr, err := dumptruth.Load(p)
		if err != nil {
			t.Fatal(err)
		}
		tr.Dump = tr.DumpPath(p)
		out = append(out, tr)
	}
	return out
}

func TestCorpusMatchesTruth(t *testing.T) {
	for _, tr := range loadCorpus(t) {
		if !textFormats[tr.Format] {
			continue
		}
		t.Run(filepath.Join(filepath.Base(filepath.Dir(tr.Dump)), filepath.Base(tr.Dump)), func(t *testing.T) {
			data, err := os.ReadFile(tr.Dump)
			if err != nil {
				t.Fatal(err)
			}
			s, err := ParseBytes(data)
			if err != nil {
				t.Fatalf("ParseBytes: %v", err)
			}
			if string(s.Format) != tr.Format {
				t.Errorf("Format = %q, want %q", s.Format, tr.Format)
			}
			byID := map[int64]*Goroutine{}
			for _, g := range s.Goroutines {
				if g.Count != 1 {
					t.Errorf("goroutine %d: Count = %d, want 1", g.ID, g.Count)
				}
				if _, dup := byID[g.ID]; !dup {
					byID[g.ID] = g
				}
			}
			for _, want := range tr.Goroutines {
				g := byID[want.ID]
				if g == nil {
					t.Errorf("%s: goroutine %d missing", want.Name, want.ID)
					continue
				}
				checkGoroutine(t, want, g)
			}
			text := strings.Join(s.Text, "\n")
			for _, want := range tr.Text {
				if !strings.Contains(text, want) {
					t.Errorf("Text lacks %q; Text is:\n%s", want, text)
				}
			}
		})
	}
}

func checkGoroutine(t *testing.T, want *dumptruth.Goroutine, g *Goroutine) {
	t.Helper()
	name := want.Name
	if want.State != "" && g.State != want.State {
		t.Errorf("%s: State = %q, want %q", name, g.State, want.State)
	}
	if !maps.Equal(g.Labels, want.Labels) || (want.Labels == nil) != (g.Labels == nil) {
		t.Errorf("%s: Labels = %#v, want %#v", name, g.Labels, want.Labels)
	}
	if want.CreatedBy != "" {
		switch {
		case g.CreatedBy == nil:
			t.Errorf("%s: CreatedBy = nil, want %s:%d", name, want.CreatedBy, want.CreatedLine)
		case g.CreatedBy.Func != want.CreatedBy || g.CreatedBy.Line != want.CreatedLine:
			t.Errorf("%s: CreatedBy = %s:%d, want %s:%d", name, g.CreatedBy.Func, g.CreatedBy.Line, want.CreatedBy, want.CreatedLine)
		}
	}
	if want.CreatedBy != "" && g.ParentID != want.ParentID {
		t.Errorf("%s: ParentID = %d, want %d", name, g.ParentID, want.ParentID)
	}
	if (g.ElidedFrames > 0) != want.Elided {
		t.Errorf("%s: ElidedFrames = %d, want elided: %v", name, g.ElidedFrames, want.Elided)
	}
	if g.Leaked != want.Leaked {
		t.Errorf("%s: Leaked = %v, want %v", name, g.Leaked, want.Leaked)
	}
	if g.Durable != want.Durable {
		t.Errorf("%s: Durable = %v, want %v", name, g.Durable, want.Durable)
	}
	if (g.Bubble > 0) != want.InBubble {
		t.Errorf("%s: Bubble = %d, want in a bubble: %v", name, g.Bubble, want.InBubble)
	}
	if g.LockedToThread != want.Locked {
		t.Errorf("%s: LockedToThread = %v, want %v", name, g.LockedToThread, want.Locked)
	}
	if g.Truncated || g.StackUnavailable {
		t.Errorf("%s: Truncated = %v, StackUnavailable = %v; the dump is whole", name, g.Truncated, g.StackUnavailable)
	}
	if missing, ok := subsequence(g.Frames, want.Frames); !ok {
		t.Errorf("%s: frame %s (%s:%d) not found in order in the parsed stack %v", name, missing.Func, missing.File, missing.Line, g.Frames)
	}
	var anc []int64
	for _, a := range g.Ancestors {
		anc = append(anc, a.ID)
	}
	if !equalIDs(anc, want.Ancestors) {
		t.Errorf("%s: ancestors = %v, want %v", name, anc, want.Ancestors)
	}
}

// subsequence reports whether want appears in got in order, not
// necessarily contiguously (the runtime adds and hides frames of its own),
// and otherwise the first frame of want it could not place.
func subsequence(got []Frame, want []dumptruth.Frame) (dumptruth.Frame, bool) {
	i := 0
	for _, w := range want {
		for i < len(got) && got[i] != (Frame{Func: w.Func, File: w.File, Line: w.Line}) {
			i++
		}
		if i == len(got) {
			return w, false
		}
		i++
	}
	return dumptruth.Frame{}, true
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestCorpusCutAnywhere cuts every text dump of the corpus at many points
// and checks that the goroutines before the cut read the same as in the
// whole dump, and that the cut one is marked or at least a prefix.
func TestCorpusCutAnywhere(t *testing.T) {
	for _, tr := range loadCorpus(t) {
		if tr.Format != string(FormatStack) {
			continue
		}
		data, err := os.ReadFile(tr.Dump)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := ParseBytes(data)
		if err != nil {
			t.Fatalf("%s: %v", tr.Dump, err)
		}
		step := max(len(data)/200, 1)
		for cut := 1; cut < len(data); cut += step {
			s, err := ParseBytes(data[:cut])
			if err != nil {
				if errors.Is(err, ErrNoGoroutines) || errors.Is(err, ErrEmpty) {
					continue
				}
				t.Fatalf("%s cut at %d: %v", tr.Dump, cut, err)
			}
			if len(s.Goroutines) > len(whole.Goroutines) {
				t.Fatalf("%s cut at %d: %d goroutines, more than the whole dump's %d", tr.Dump, cut, len(s.Goroutines), len(whole.Goroutines))
			}
			for i, g := range s.Goroutines {
				w := whole.Goroutines[i]
				if i < len(s.Goroutines)-1 {
					if !sameGoroutine(g, w) {
						t.Fatalf("%s cut at %d: goroutine %d reads %+v, whole dump reads %+v", tr.Dump, cut, g.ID, g, w)
					}
					continue
				}
				if g.ID != w.ID || len(g.Frames) > len(w.Frames) {
					t.Fatalf("%s cut at %d: last goroutine %d with %d frames is not a prefix of %d with %d", tr.Dump, cut, g.ID, len(g.Frames), w.ID, len(w.Frames))
				}
				for j := range g.Frames {
					if g.Frames[j] != w.Frames[j] && j < len(g.Frames)-1 {
						t.Fatalf("%s cut at %d: goroutine %d frame %d = %v, want %v", tr.Dump, cut, g.ID, j, g.Frames[j], w.Frames[j])
					}
				}
			}
		}
	}
}

func sameGoroutine(a, b *Goroutine) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
