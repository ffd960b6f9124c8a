package profile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"github.com/leakhound/leakhound/internal/dumptruth"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
)

// TestParseLiveGoroutineProfile writes this process's goroutine profile in
// every encoding while two known groups of goroutines are parked, and checks
// that each group comes back as one record with its count, labels and the
// exact position it is parked at.
func TestParseLiveGoroutineProfile(t *testing.T) {
	labels := map[string]string{"leakhound.test": "TestParseLiveGoroutineProfile", "odd key": `v ]}, : "x"`}
	labelled := startLiveGroup(t, 3, labels)
	plain := startLiveGroup(t, 2, nil)

	gunzip := func(t *testing.T, b []byte) []byte {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("the runtime's debug=0 profile is not gzipped: %v", err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	tests := []struct {
		name       string
		debug      int
		transform  func(*testing.T, []byte) []byte
		wantFormat Format
	}{
		{"proto gzipped", 0, nil, FormatProfileProto},
		{"proto raw", 0, gunzip, FormatProfileProto},
		{"debug=1 text", 1, nil, FormatProfileText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := pprof.Lookup("goroutine").WriteTo(&buf, tt.debug); err != nil {
				t.Fatal(err)
			}
			data := buf.Bytes()
			if tt.transform != nil {
				data = tt.transform(t, data)
			}
			s, err := ParseBytes(data)
			if err != nil {
				t.Fatalf("ParseBytes: %v", err)
			}
			if s.Format != tt.wantFormat {
				t.Errorf("Format = %q, want %q", s.Format, tt.wantFormat)
			}
			// Both groups park at the same receive; the profile keeps them
			// apart by their label sets.
			recs := findRecords(s, labelled.At)
			if len(recs) != 2 {
				t.Fatalf("%d records contain frame %+v, want 2 (one per label set)", len(recs), labelled.At)
			}
			for _, grp := range []struct {
				name   string
				g      *liveGroup
				labels map[string]string
			}{{"labelled", labelled, labels}, {"unlabelled", plain, nil}} {
				var r *Goroutine
				for _, c := range recs {
					if maps.Equal(c.Labels, grp.labels) {
						r = c
					}
				}
				if r == nil {
					t.Errorf("%s group: no record with labels %q; records have %q and %q", grp.name, grp.labels, recs[0].Labels, recs[1].Labels)
					continue
				}
				if r.Count != len(grp.g.IDs) {
					t.Errorf("%s group: Count = %d, want %d", grp.name, r.Count, len(grp.g.IDs))
				}
				if r.ID != 0 || r.Leaked {
					t.Errorf("%s group: ID = %d, Leaked = %v; an aggregated goroutine profile has neither", grp.name, r.ID, r.Leaked)
				}
			}
			if got := s.Count("leakhound.test", "TestParseLiveGoroutineProfile"); got != 3 {
				t.Errorf("Count(leakhound.test) = %d, want 3", got)
			}
			if s.total() < 5 {
				t.Errorf("total = %d, want at least the 5 goroutines this test started", s.total())
			}
		})
	}
}

// TestParseDebug1 reads hand-written debug=1 text covering each kind of line.
func TestParseDebug1(t *testing.T) {
	const leakText = "goroutineleak profile: total 3\n" +
		"2 @ 0x47e50e 0x41462c 0x4de07e 0x484ce1\n" +
		"# labels: {\"k\":\"v ]}, : x\", \"user id\":\"42\"}\n" +
		"#\t0x4de07d\tmain.main.func3+0x1d\t/tmp/my dir/main.go:23\n" +
		"\n" +
		"1 @ 0x47e50e 0x45fd12 0x45fce9\n" +
		"#\t0x47f78d\tsync.runtime_SemacquireWaitGroup+0x2d\t/usr/local/go/src/runtime/sema.go:114\n" +
		"#\t0x48a004\tsync.(*WaitGroup).Wait+0x84\t\t/usr/local/go/src/sync/waitgroup.go:206\n" +
		"#\t0x4de036\tmain.F[...]+0x16\t\t\t/tmp/probe/main.go:27\n" +
		"#\t0x4de099\n" +
		"\n"
	tests := []struct {
		name       string
		in         string
		wantLeaked bool
		want       []*Goroutine
		wantText   []string
	}{
		{
			name:       "goroutineleak with labels, padding, generics and an unknown PC",
			in:         leakText,
			wantLeaked: true,
			want: []*Goroutine{
				{Count: 2, Leaked: true, Labels: map[string]string{"k": "v ]}, : x", "user id": "42"},
					Frames: []Frame{{Func: "main.main.func3", File: "/tmp/my dir/main.go", Line: 23}}},
				{Count: 1, Leaked: true, Frames: []Frame{
					{Func: "sync.runtime_SemacquireWaitGroup", File: "/usr/local/go/src/runtime/sema.go", Line: 114},
					{Func: "sync.(*WaitGroup).Wait", File: "/usr/local/go/src/sync/waitgroup.go", Line: 206},
					{Func: "main.F[...]", File: "/tmp/probe/main.go", Line: 27},
					{Func: "0x4de099"},
				}},
			},
		},
		{
			name: "goroutine profile, CRLF, leading blank lines, escaped label, stray line",
			in: "\r\n\r\ngoroutine profile: total 7\r\n" +
				"7 @ 0x1 0x2\r\n" +
				"# labels: {\"tab\\there\":\"quote\\\" and \\u00e9\"}\r\n" +
				"#\t0x1\tpkg.f+0x1\t/a.go:1\r\n" +
				"something else\r\n",
			want: []*Goroutine{
				{Count: 7, Labels: map[string]string{"tab\there": "quote\" and é"},
					Frames: []Frame{{Func: "pkg.f", File: "/a.go", Line: 1}}},
			},
			wantText: []string{"something else"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !isDebug1([]byte(tt.in)) {
				t.Fatal("isDebug1 = false")
			}
			if isProto([]byte(tt.in)) {
				t.Fatal("isProto = true for text")
			}
			s, err := ParseBytes([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if s.Format != FormatProfileText {
				t.Errorf("Format = %q", s.Format)
			}
			if len(s.Goroutines) != len(tt.want) {
				t.Fatalf("%d records, want %d", len(s.Goroutines), len(tt.want))
			}
			for i, g := range s.Goroutines {
				w := tt.want[i]
				if g.Count != w.Count || g.Leaked != w.Leaked || !maps.Equal(g.Labels, w.Labels) {
					t.Errorf("record %d: Count %d Leaked %v Labels %q, want %d %v %q", i, g.Count, g.Leaked, g.Labels, w.Count, w.Leaked, w.Labels)
				}
				if len(g.Frames) != len(w.Frames) {
					t.Fatalf("record %d: frames %+v, want %+v", i, g.Frames, w.Frames)
				}
				for j := range g.Frames {
					if g.Frames[j] != w.Frames[j] {
						t.Errorf("record %d frame %d: %+v, want %+v", i, j, g.Frames[j], w.Frames[j])
					}
				}
			}
			if strings.Join(s.Text, "|") != strings.Join(tt.wantText, "|") {
				t.Errorf("Text = %q, want %q", s.Text, tt.wantText)
			}
		})
	}
}

func TestElideTypeArgs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"main.plain", "main.plain"},
		{"main.wait[go.shape.int]", "main.wait[...]"},
		{"main.wait[go.shape.struct { main.a int; main.b int }]", "main.wait[...]"},
		{"main.(*Box[go.shape.[]int]).Get", "main.(*Box[...]).Get"},
		{"main.Map[go.shape.string,go.shape.[2]int].func1", "main.Map[...].func1"},
		{"main.wait[...]", "main.wait[...]"},
		{"main.broken[go.shape.int", "main.broken[...]"},
	}
	for _, tt := range tests {
		if got := elideTypeArgs(tt.in); got != tt.want {
			t.Errorf("elideTypeArgs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPprofBadInput feeds broken input to both readers: each must return an
// error or a partial result, never panic.
func TestPprofBadInput(t *testing.T) {
	var proto bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&proto, 0); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(proto.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var inputs [][]byte
	for _, cut := range []int{1, 2, 3, 10, len(raw) / 2, len(raw) - 1} {
		inputs = append(inputs, raw[:cut], proto.Bytes()[:min(cut, proto.Len()-1)])
	}
	for i := 0; i < len(raw); i += 7 {
		flipped := bytes.Clone(raw)
		flipped[i] ^= 0xff
		inputs = append(inputs, flipped)
	}
	for _, s := range []string{
		"goroutine profile: total 1\n1 @ 0x1\n# labels: {\"k\":}\n",
		"goroutine profile: total 1\n1 @ 0x1\n# labels: {\"k\" \"v\"}\n",
		"goroutine profile: total 1\n1 @ 0x1\n# labels: {\"k\":\"v\" \"x\":\"y\"}\n",
		"goroutine profile: total 1\n1 @ 0x1\n# labels: nope\n",
		"goroutine profile: total 1\n1 @ 0x1\n#\t0x1\tf+0x1\n#\t\n#\tzz\n",
		"goroutine profile: total 1\n-1 @ 0x1\nx @ y\n@\n",
		"goroutine profile: total 1\n",
	} {
		inputs = append(inputs, []byte(s))
	}
	for i, in := range inputs {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("input %d (%q…): panic %v", i, clipForMessage(in), r)
				}
			}()
			_, _ = parseProto(in)
			_, _ = parseDebug1(in)
			_, _ = ParseBytes(in)
		}()
	}
}

// TestPprofMalformedLabels checks that a broken label list is reported, not
// silently dropped.
func TestPprofMalformedLabels(t *testing.T) {
	for _, lbl := range []string{`{"k":}`, `{"k" "v"}`, `{"k":"v" "x":"y"}`, `nope`, `{"k":"v",}x`} {
		in := "goroutine profile: total 1\n1 @ 0x1\n# labels: " + lbl + "\n"
		if _, err := parseDebug1([]byte(in)); err == nil {
			t.Errorf("labels %s: no error", lbl)
		}
	}
}

// TestFormatDetection checks that neither pprof detector claims the other
// formats.
func TestFormatDetection(t *testing.T) {
	tests := []struct {
		in            string
		proto, debug1 bool
	}{
		{"\x1f\x8b\x08\x00", true, false},
		{"goroutine profile: total 3\n", false, true},
		{"  \n goroutineleak profile: total 0\n", false, true},
		{"heap profile: total 3\n", false, false},
		{"goroutine profile: total many\n", false, false},
		{"goroutine 1 [running]:\nmain.main()\n", false, false},
		{"\ngoroutine 1 [running]:\nmain.main()\n", false, false},
		{"\n\n\n", false, false},
		{"\ngoroutine profile: total 1\n", false, true},
		{`{"Action":"output","Output":"goroutine 1 [running]:\n"}`, false, false},
	}
	for _, tt := range tests {
		if got := isProto([]byte(tt.in)); got != tt.proto {
			t.Errorf("isProto(%q) = %v, want %v", tt.in, got, tt.proto)
		}
		if got := isDebug1([]byte(tt.in)); got != tt.debug1 {
			t.Errorf("isDebug1(%q) = %v, want %v", tt.in, got, tt.debug1)
		}
	}
	if _, err := parseDebug1([]byte("goroutine 1 [running]:\n")); err == nil {
		t.Error("parseDebug1 accepted a traceback")
	}
	if _, err := parseProto([]byte("\x1f\x8bnot gzip")); err == nil || errors.Is(err, ErrEmpty) {
		t.Errorf("parseProto on broken gzip: %v", err)
	}
}

// TestPprofDumpFiles reads the pprof profiles of the corpus under
// testdata/dumps (real profiles written by internal/gendump, one directory
// per Go version) and compares them with what gendump's goroutines recorded:
// each parked position is found with the recorded count and labels. It also
// checks what each encoding promises: debug=1 counts add up to the header's
// total, and goroutineleak records are all marked leaked.
func TestPprofDumpFiles(t *testing.T) {
	paths, err := dumptruth.Files(filepath.Join("testdata", "dumps"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, path := range paths {
		truth, err := dumptruth.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if truth.Format != string(FormatProfileProto) && truth.Format != string(FormatProfileText) {
			continue
		}
		checked++
		dump := truth.DumpPath(path)
		t.Run(dump, func(t *testing.T) {
			data, err := os.ReadFile(dump)
			if err != nil {
				t.Fatal(err)
			}
			s, err := ParseBytes(data)
			if err != nil {
				t.Fatalf("ParseBytes: %v", err)
			}
			if string(s.Format) != truth.Format {
				t.Errorf("Format = %q, truth says %q", s.Format, truth.Format)
			}
			if len(truth.Stacks) == 0 {
				t.Fatal("the truth file lists no stacks")
			}
			for _, st := range truth.Stacks {
				at := Frame{Func: st.Func, File: st.File, Line: st.Line}
				got := 0
				for _, g := range findRecords(s, at) {
					if maps.Equal(g.Labels, st.Labels) {
						got += g.Count
					}
				}
				if got != st.Count {
					t.Errorf("%s:%d (%s) with labels %q: %d goroutines, truth says %d", st.File, st.Line, st.Func, st.Labels, got, st.Count)
				}
			}
			leak := strings.Contains(truth.Dump, leakProfileName)
			for i, g := range s.Goroutines {
				if g.Count < 1 || len(g.Frames) == 0 {
					t.Errorf("record %d: Count %d, %d frames", i, g.Count, len(g.Frames))
				}
				if g.Leaked != leak {
					t.Errorf("record %d: Leaked = %v in %s", i, g.Leaked, truth.Dump)
				}
			}
			if truth.Format == string(FormatProfileText) {
				first, _, _ := bytes.Cut(bytes.TrimLeft(data, " \t\r\n"), []byte("\n"))
				_, total, _ := strings.Cut(strings.TrimSpace(string(first)), " profile: total ")
				want, err := strconv.Atoi(total)
				if err != nil {
					t.Fatalf("header %q: %v", first, err)
				}
				if s.total() != want {
					t.Errorf("records add up to %d goroutines, header says %d", s.total(), want)
				}
			}
		})
	}
	if checked == 0 {
		t.Skip("no pprof profiles under testdata/dumps yet")
	}
}
