package reportdir

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// leakDoc is a document of one group: reason, blocking and creating
// function as given, count goroutines.
func leakDoc(block, creator string, count int) *report.Document {
	g := &report.Group{Reason: report.ReasonChanReceive, State: "chan receive", Count: count,
		Block: profile.Frame{Func: block, File: "/src/p/p.go", Line: 3}, CreatedBy: &profile.Frame{Func: creator, File: "/src/p/p.go", Line: 2}}
	return &report.Document{Package: "p", Reports: []*report.Report{{Title: "T", Total: count, Groups: []*report.Group{g}}}}
}

// TestBaselineCounts (issue item 7): a known leak records its count, and
// one that grows past the tolerance is a regression, counted as new.
func TestBaselineCounts(t *testing.T) {
	var file bytes.Buffer
	if err := WriteBaseline(&file, []*report.Document{leakDoc("p.wait", "p.start", 1)}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		tolerance string // a "tolerance" line added to the file, "" for none
		count     int
		wantNew   int
	}{
		{"the same count", "", 1, 0},
		{"within the default tolerance", "", 2, 0},
		{"1 goroutine becomes 5,000", "", 5000, 5000},
		{"just past the default tolerance", "", 3, 3},
		{"a larger tolerance", "tolerance 10", 10, 0},
		{"no limit", "tolerance 0", 5000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := file.String()
			if tt.tolerance != "" {
				text += tt.tolerance + "\n"
			}
			b, err := readBaseline(strings.NewReader(text), "known.txt")
			if err != nil {
				t.Fatal(err)
			}
			r := leakDoc("p.wait", "p.start", tt.count).Reports[0]
			if n := b.Mark(r); n != tt.wantNew || r.Groups[0].Known != (tt.wantNew == 0) {
				t.Errorf("Mark = %d new (known %v), want %d", n, r.Groups[0].Known, tt.wantNew)
			}
		})
	}
	// A line without a count, as older versions wrote, knows any size.
	fp := leakDoc("p.wait", "p.start", 1).Reports[0].Groups[0].Fingerprint()
	b, err := readBaseline(strings.NewReader(fp+" chan receive p.wait p.start -\n"), "old.txt")
	if err != nil {
		t.Fatal(err)
	}
	if n := b.Mark(leakDoc("p.wait", "p.start", 5000).Reports[0]); n != 0 {
		t.Errorf("an old baseline line: %d new, want 0", n)
	}
}

// TestBaselineNamesCannotBreakLines (item 11): a name with a newline and
// a fingerprint after it writes no extra known leak; a 100 KB name writes
// a file the reader reads.
func TestBaselineNamesCannotBreakLines(t *testing.T) {
	docs := []*report.Document{
		leakDoc("p.wait\n0123456789abcdef injected", "p.start\x1b]8;;http://x\x07", 1),
		leakDoc(strings.Repeat("p.long", 100<<10/6), "p.start", 1),
	}
	var file bytes.Buffer
	if err := WriteBaseline(&file, docs); err != nil {
		t.Fatal(err)
	}
	b, err := readBaseline(bytes.NewReader(file.Bytes()), "known.txt")
	if err != nil {
		t.Fatalf("the reader refuses what the writer wrote: %v", err)
	}
	if b.Len() != 2 {
		t.Errorf("%d known leaks, want the 2 written", b.Len())
	}
	if strings.Contains(file.String(), "\n0123456789abcdef") || strings.ContainsRune(file.String(), '\x1b') {
		t.Errorf("a name broke a line or carried an escape:\n%s", file.String())
	}
	for _, line := range strings.Split(file.String(), "\n") {
		if len(line) > 1<<10 {
			t.Errorf("a line of %d bytes", len(line))
		}
	}
}

// FuzzBaselineRoundTrip: whatever names a report holds, WriteBaseline
// writes a file ReadBaseline reads, knowing exactly the leaks written.
func FuzzBaselineRoundTrip(f *testing.F) {
	f.Add("p.wait", "p.start", "chan receive", 1)
	f.Add("p.wait\n0123456789abcdef x", "\x1b[31m", "select", 5000)
	f.Add(strings.Repeat("é", 300), "\u2028", "tolerance 3", 2)
	f.Fuzz(func(t *testing.T, block, creator, reason string, count int) {
		if count < 1 {
			count = 1
		}
		d := leakDoc(block, creator, count)
		g := d.Reports[0].Groups[0]
		g.Reason = report.Reason(reason)
		var file bytes.Buffer
		if err := WriteBaseline(&file, []*report.Document{d}); err != nil {
			t.Fatal(err)
		}
		b, err := readBaseline(bytes.NewReader(file.Bytes()), "known.txt")
		if err != nil {
			t.Fatalf("the reader refuses what the writer wrote: %v\n%s", err, file.String())
		}
		if b.Len() != 1 {
			t.Fatalf("%d known leaks, want 1:\n%s", b.Len(), file.String())
		}
		if b.Mark(d.Reports[0]) != 0 {
			t.Fatalf("the leak written is not known at its own count:\n%s", file.String())
		}
	})
}

// FuzzReadBaseline: any bytes are read or refused, never a panic, and a
// baseline read marks nothing with a negative count.
func FuzzReadBaseline(f *testing.F) {
	f.Add([]byte("# c\n\n0123456789abcdef 3 chan receive p.f p.g -\ntolerance 2\n"))
	f.Add([]byte("0123456789abcdef\n0123456789abcdef -5 x\ntolerance -1\n"))
	f.Add([]byte("tolerance NaN\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := readBaseline(bytes.NewReader(data), "fuzz.txt")
		if err != nil {
			return
		}
		if b.Tolerance < 0 {
			t.Fatalf("tolerance %v", b.Tolerance)
		}
		for fp, n := range b.known {
			if n < 0 || !isFingerprint(fp) {
				t.Fatalf("known %q with count %d", fp, n)
			}
		}
	})
}
