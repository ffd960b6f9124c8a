package reportdir

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/srcfile"
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
//
// A known leak also records how many goroutines it held when the file was
// written; one that grows past Tolerance times that is a regression and
// counts as new (a leak of one goroutine that becomes 5,000 fails).
type Baseline struct {
	// Path is the file the baseline was read from.
	Path string
	// Tolerance is how many times its recorded count a known leak may
	// grow to and stay known: DefaultTolerance unless the file's
	// "tolerance N" line or the caller sets it. 0 means no limit.
	Tolerance float64
	known     map[string]int // fingerprint → goroutines recorded, 0 when not recorded
}

// DefaultTolerance is a baseline's Tolerance unless it says otherwise: a
// known leak may double (timing changes how many goroutines a leaking
// loop starts) before it fails as a regression.
const DefaultTolerance = 2

// Limits of a baseline file: one leak per line, and lines the writer
// keeps far shorter (report.MaxBaselineWord per name); the reader refuses more.
const (
	maxBaselineBytes = 16 << 20
	maxBaselineLine  = 64 << 10
)

// ReadBaseline reads a baseline file: one leak per line, its fingerprint
// first and, after a space, the goroutines it held and what the leak is,
// for the people who review the file; blank lines and lines starting
// with # are comments, and a line "tolerance N" sets Tolerance (N a
// number, 0 for no limit). A line without a count (as older versions
// wrote) knows the leak at any size. The file must be a regular file of
// at most 16 MiB.
func ReadBaseline(path string) (*Baseline, error) {
	f, err := srcfile.OpenRegular(path)
	if err != nil {
		return nil, fmt.Errorf("reading the baseline of known leaks: %w", err)
	}
	defer f.Close()
	return readBaseline(f, path)
}

func readBaseline(r io.Reader, path string) (*Baseline, error) {
	b := &Baseline{Path: path, Tolerance: DefaultTolerance, known: map[string]int{}}
	lr := &io.LimitedReader{R: r, N: maxBaselineBytes + 1}
	sc := bufio.NewScanner(lr)
	sc.Buffer(make([]byte, 0, 4096), maxBaselineLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fp, rest, _ := strings.Cut(line, " ")
		if fp == "tolerance" {
			t, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err != nil || t < 0 || math.IsInf(t, 0) || math.IsNaN(t) {
				return nil, fmt.Errorf("reading the baseline of known leaks: %s:%d: tolerance %q is not a number of times (0 for no limit)", path, n, rest)
			}
			b.Tolerance = t
			continue
		}
		if !isFingerprint(fp) {
			return nil, fmt.Errorf("reading the baseline of known leaks: %s:%d: %q is not a fingerprint (16 hexadecimal digits); write the file with `leakhound baseline`", path, n, shorten(fp))
		}
		count := 0
		if field, _, _ := strings.Cut(rest, " "); field != "" {
			if c, err := strconv.Atoi(field); err == nil && c > 0 {
				count = c
			}
		}
		b.known[fp] = max(b.known[fp], count)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the baseline of known leaks %s: line %d: %w", path, n+1, err)
	}
	if lr.N <= 0 {
		return nil, fmt.Errorf("reading the baseline of known leaks %s: larger than %d MiB", path, maxBaselineBytes>>20)
	}
	return b, nil
}

// shorten cuts a value quoted in an error to a readable length.
func shorten(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
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
// are in groups that are new. A group whose leak is known but holds more
// than Tolerance times the goroutines recorded is new: a regression.
func (b *Baseline) Mark(r *report.Report) (newGoroutines int) {
	r.Baseline = filepath.Base(b.Path)
	for _, g := range r.Groups {
		recorded, ok := b.known[g.Fingerprint()]
		g.Known = ok && !b.grew(g.Count, recorded)
		if !g.Known {
			newGoroutines += g.Count
		}
	}
	return newGoroutines
}

// grew reports whether a known leak of recorded goroutines that now holds
// count has grown past the tolerance.
func (b *Baseline) grew(count, recorded int) bool {
	if recorded == 0 || b.Tolerance == 0 {
		return false
	}
	return float64(count) > b.Tolerance*float64(recorded)
}

// WriteBaseline writes a baseline file knowing every leak of the
// documents: one line per fingerprint with the most goroutines a group of
// it held, sorted by what the leak is so the file diffs well when leaks
// are fixed or found. Names are written on one line each, control
// characters escaped and long ones cut, so ReadBaseline reads whatever
// WriteBaseline writes.
func WriteBaseline(w io.Writer, docs []*report.Document) error {
	first := map[string]*report.Group{} // fingerprint → its first group
	counts := map[string]int{}
	for _, d := range docs {
		for _, r := range d.Reports {
			for _, g := range r.Groups {
				fp := g.Fingerprint()
				if _, ok := first[fp]; !ok {
					first[fp] = g
				}
				counts[fp] = max(counts[fp], g.Count)
			}
		}
	}
	fps := make([]string, 0, len(first))
	for fp := range first {
		fps = append(fps, fp)
	}
	// what is the line after the fingerprint and the count.
	what := func(fp string) string { return strings.SplitN(first[fp].BaselineLine(0), " ", 3)[2] }
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
	bw.WriteString("# Fingerprint, goroutines, then: blocking reason, blocking function, creating function, pattern.\n")
	fmt.Fprintf(bw, "# A known leak that grows past %g times its goroutines fails as new; change the tolerance below (0: no limit).\n", float64(DefaultTolerance))
	fmt.Fprintf(bw, "tolerance %g\n", float64(DefaultTolerance))
	for _, fp := range fps {
		fmt.Fprintln(bw, first[fp].BaselineLine(counts[fp]))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the baseline: %w", err)
	}
	return nil
}
