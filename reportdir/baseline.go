package reportdir

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/report"
)

// BaselineEnv is the environment variable that names a baseline file of
// known leaks: checks list the leaks in it without failing, and fail on
// new ones. A relative path is taken from the module root (FromRoot), where
// the file is usually kept next to go.mod. leakcheck and the leakhound
// command read it; this package reads no environment.
const BaselineEnv = "LEAKHOUND_BASELINE"

// Baseline is a set of known leaks, by Group.Fingerprint, read from a
// baseline file. `leakhound baseline` writes one from today's reports, so
// a large repository can turn the checks on without fixing every existing
// leak first: the known ones are listed, new ones fail.
type Baseline struct {
	// Path is the file the baseline was read from.
	Path  string
	known map[string]bool
}

// ReadBaseline reads a baseline file: one leak per line, its fingerprint
// first and, after a space, what the leak is, for the people who review
// the file; blank lines and lines starting with # are comments.
func ReadBaseline(path string) (*Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the baseline of known leaks: %w", err)
	}
	defer f.Close()
	return readBaseline(f, path)
}

func readBaseline(r io.Reader, path string) (*Baseline, error) {
	b := &Baseline{Path: path, known: map[string]bool{}}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fp, _, _ := strings.Cut(line, " ")
		if !isFingerprint(fp) {
			return nil, fmt.Errorf("reading the baseline of known leaks: %s:%d: %q is not a fingerprint (16 hexadecimal digits); write the file with `leakhound baseline`", path, n, fp)
		}
		b.known[fp] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the baseline of known leaks %s: %w", path, err)
	}
	return b, nil
}

func isFingerprint(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Len is the number of known leaks.
func (b *Baseline) Len() int { return len(b.known) }

// Mark compares the report's groups with the baseline: it sets each
// group's Known and the report's Baseline, and returns how many goroutines
// are in groups that are new.
func (b *Baseline) Mark(r *report.Report) (newGoroutines int) {
	r.Baseline = filepath.Base(b.Path)
	for _, g := range r.Groups {
		g.Known = b.known[g.Fingerprint()]
		if !g.Known {
			newGoroutines += g.Count
		}
	}
	return newGoroutines
}

// WriteBaseline writes a baseline file knowing every leak of the
// documents: one line per fingerprint, sorted by what the leak is so the
// file diffs well when leaks are fixed or found.
func WriteBaseline(w io.Writer, docs []*report.Document) error {
	lines := map[string]string{} // fingerprint → the line (report.Group.BaselineLine)
	for _, d := range docs {
		for _, r := range d.Reports {
			for _, g := range r.Groups {
				fp := g.Fingerprint()
				if _, ok := lines[fp]; !ok {
					lines[fp] = g.BaselineLine()
				}
			}
		}
	}
	fps := make([]string, 0, len(lines))
	for fp := range lines {
		fps = append(fps, fp)
	}
	what := func(fp string) string { _, w, _ := strings.Cut(lines[fp], " "); return w }
	sort.Slice(fps, func(i, j int) bool {
		if what(fps[i]) != what(fps[j]) {
			return what(fps[i]) < what(fps[j])
		}
		return fps[i] < fps[j]
	})
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# leakhound baseline: %s known when it was written, one per line.\n", words.Plural(len(fps), "goroutine leak"))
	bw.WriteString("# With LEAKHOUND_BASELINE=<this file>, checks list these leaks without failing\n")
	bw.WriteString("# and fail on new ones. Delete a line once its leak is fixed.\n")
	bw.WriteString("# Fingerprint, then: blocking reason, blocking function, creating function, pattern.\n")
	for _, fp := range fps {
		fmt.Fprintln(bw, lines[fp])
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the baseline: %w", err)
	}
	return nil
}
