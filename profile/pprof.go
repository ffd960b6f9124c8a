package profile

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	pprofile "github.com/google/pprof/profile"
)

// The two pprof encodings of a goroutine profile this file reads:
//
//   - profile.proto (debug=0), gzipped as the runtime writes it or raw. Each
//     sample is one distinct stack (plus label set) and its value is the number
//     of goroutines sharing it.
//   - the legacy text (debug=1): a "goroutine profile: total N" header, then
//     one record per distinct stack, "N @ 0x… 0x…", an optional
//     "# labels: {…}" line and one "#\tPC\tfunc+off\tfile:line" line per frame.
//
// The goroutineleak profile uses the same encodings under its own name; every
// goroutine it lists was proven leaked by the runtime, so its records come
// back with Leaked set.

// leakProfileName is the name the runtime gives the goroutineleak profile, in
// the debug=1 header and as the sample type of the proto encoding.
const leakProfileName = "goroutineleak"

// isProto reports whether data is a pprof protocol buffer: gzip data (the way
// the runtime writes profiles), or a raw profile.proto message that decodes
// in full with at least one sample type. Text is not taken for a proto: it
// would have to start with a Profile field tag and then decode as a valid
// message to its last byte, string table and all.
func isProto(data []byte) bool {
	if isGzip(data) {
		return true
	}
	if len(data) == 0 || !profileFieldTag[data[0]] {
		return false
	}
	p, err := parseUncompressedSafely(data)
	return err == nil && len(p.SampleType) > 0
}

// profileFieldTag holds the one-byte tags of the fields of a Profile
// message (field number << 3 | wire type), one of which starts every
// encoded profile: the runtime writes period_type (0x5a) first, other
// writers sample_type (0x0a).
var profileFieldTag = [256]bool{
	0x0a: true, 0x12: true, 0x1a: true, 0x22: true, 0x2a: true, 0x32: true, // sample_type … string_table
	0x38: true, 0x40: true, 0x48: true, 0x50: true, 0x5a: true, 0x60: true, // drop_frames … period
	0x68: true, 0x6a: true, 0x70: true, 0x7a: true, // comment, default_sample_type, doc_url
}

// parseUncompressedSafely decodes a raw profile.proto, turning a panic of the
// decoder on hostile input into an error.
func parseUncompressedSafely(data []byte) (p *pprofile.Profile, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("decoding pprof protocol buffer: malformed input (%v)", r)
		}
	}()
	return pprofile.ParseUncompressed(data)
}

// parseProto reads a goroutine or goroutineleak profile in profile.proto
// form. Each sample becomes one Goroutine record: Count is the sample value,
// Labels the sample's string labels (the first value of each key), Frames
// its locations with inlined calls expanded, innermost first, and the type
// arguments of generic functions written "[...]" as text dumps write them.
func parseProto(data []byte) (*Snapshot, error) {
	raw := data
	if isGzip(data) {
		var err error
		if raw, err = gunzip(data, MaxDumpSize); err != nil {
			return nil, fmt.Errorf("reading gzipped pprof profile: %w", err)
		}
	}
	p, err := parseUncompressedSafely(raw)
	if err != nil {
		return nil, fmt.Errorf("reading pprof profile (expected a goroutine profile in profile.proto form): %w", err)
	}
	leaked := false
	for _, st := range p.SampleType {
		if st.Type == leakProfileName {
			leaked = true
		}
	}
	s := &Snapshot{Format: FormatProfileProto, LeakProfile: leaked || (p.PeriodType != nil && p.PeriodType.Type == leakProfileName)}
	s.Goroutines = make([]*Goroutine, 0, len(p.Sample))
	for _, sample := range p.Sample {
		g := &Goroutine{Count: 1, Leaked: leaked}
		if len(sample.Value) > 0 {
			if sample.Value[0] < 1 {
				continue // a sample of no goroutines describes nothing to report
			}
			g.Count = int(sample.Value[0])
		}
		for k, vs := range sample.Label {
			if len(vs) == 0 {
				continue
			}
			if g.Labels == nil {
				g.Labels = make(map[string]string, len(sample.Label))
			}
			g.Labels[k] = vs[0]
		}
		for _, loc := range sample.Location {
			if loc == nil {
				continue
			}
			if len(loc.Line) == 0 {
				// An address the profile could not symbolise.
				g.Frames = append(g.Frames, Frame{Func: fmt.Sprintf("%#x", loc.Address)})
				continue
			}
			for _, ln := range loc.Line {
				f := Frame{Line: int(ln.Line)}
				if ln.Function != nil {
					f.Func = elideTypeArgs(ln.Function.Name)
					f.File = ln.Function.Filename
				}
				g.Frames = append(g.Frames, f)
			}
		}
		s.Goroutines = append(s.Goroutines, g)
	}
	return s, nil
}

// elideTypeArgs writes the type arguments of a generic function's name as
// "[...]", the way tracebacks and debug=1 profiles print them: the proto
// encoding names the instantiation ("main.wait[go.shape.int]"), and without
// this the same function would read differently in each format, so stacks
// would not match across them.
func elideTypeArgs(name string) string {
	if strings.IndexByte(name, '[') < 0 {
		return name
	}
	var b strings.Builder
	depth := 0
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c == '[':
			if depth == 0 {
				b.WriteString("[...]")
			}
			depth++
		case c == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// debug1Header returns the profile name of a debug=1 goroutine profile
// header ("goroutine" or "goroutineleak") and whether line is one.
func debug1Header(line []byte) (string, bool) {
	name, rest, ok := bytes.Cut(line, []byte(" profile: total "))
	if !ok {
		return "", false
	}
	if string(name) != "goroutine" && string(name) != leakProfileName {
		return "", false
	}
	if _, err := strconv.Atoi(string(bytes.TrimSpace(rest))); err != nil {
		return "", false
	}
	return string(name), true
}

// isDebug1 reports whether data is a goroutine or goroutineleak profile in
// the debug=1 text form: its first non-blank line is the profile header.
func isDebug1(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n")
	line, _, _ := bytes.Cut(data, []byte("\n"))
	_, ok := debug1Header(bytes.TrimRight(line, "\r"))
	return ok
}

// parseDebug1 reads a goroutine or goroutineleak profile in the debug=1 text
// form. Records keep the order of the text (the runtime sorts them by count,
// largest first). Lines it does not understand are kept in Snapshot.Text.
func parseDebug1(data []byte) (*Snapshot, error) {
	s := &Snapshot{Format: FormatProfileText}
	in := newFrameStrings()
	var (
		cur    *Goroutine
		leaked bool
		seen   bool
	)
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte("\n"))
		line = bytes.TrimRight(line, "\r")
		if !seen {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			name, ok := debug1Header(line)
			if !ok {
				return nil, fmt.Errorf("reading pprof debug=1 text: the first line %q is not a goroutine profile header", clipForMessage(line))
			}
			seen, leaked = true, name == leakProfileName
			s.LeakProfile = leaked
			continue
		}
		switch {
		case len(line) == 0:
			cur = nil
		case line[0] == '#' && cur != nil:
			if lbl, ok := bytes.CutPrefix(line, []byte("# labels: ")); ok {
				labels, err := parseDebug1Labels(lbl)
				if err != nil {
					return nil, fmt.Errorf("reading pprof debug=1 text, record %d: %w", len(s.Goroutines), err)
				}
				cur.Labels = labels
				continue
			}
			if f, ok := parseDebug1Frame(line, in); ok {
				cur.Frames = append(cur.Frames, f)
				continue
			}
			s.Text = append(s.Text, string(line))
		default:
			if g, ok := parseDebug1Record(line); ok {
				g.Leaked = leaked
				s.Goroutines = append(s.Goroutines, g)
				cur = g
				continue
			}
			s.Text = append(s.Text, string(line))
		}
	}
	return s, nil
}

// parseDebug1Record reads a record line, "N @ 0x… 0x…", into a Goroutine
// with Count N.
func parseDebug1Record(line []byte) (*Goroutine, bool) {
	n, rest, ok := bytes.Cut(line, []byte(" @"))
	if !ok || (len(rest) > 0 && rest[0] != ' ') {
		return nil, false
	}
	count, err := strconv.Atoi(string(n))
	// A record stands for at least one goroutine; "0 @ …" describes none and
	// is kept as text rather than as an empty record.
	if err != nil || count < 1 {
		return nil, false
	}
	return &Goroutine{Count: count}, true
}

// parseDebug1Frame reads a frame line, "#\t0xPC\tfunc+0xoff\tfile:line"
// (tabwriter may pad with several tabs), or "#\t0xPC" for an address the
// runtime could not symbolise, whose Func is then the address.
func parseDebug1Frame(line []byte, in *frameStrings) (Frame, bool) {
	rest, ok := bytes.CutPrefix(line, []byte("#\t"))
	if !ok {
		return Frame{}, false
	}
	pc, rest, _ := bytes.Cut(rest, []byte("\t"))
	if !bytes.HasPrefix(pc, []byte("0x")) {
		return Frame{}, false
	}
	rest = bytes.TrimLeft(rest, "\t")
	if len(rest) == 0 {
		return Frame{Func: in.str(pc)}, true
	}
	fn, pos, ok := bytes.Cut(rest, []byte("\t"))
	if !ok {
		return Frame{}, false
	}
	if i := bytes.LastIndex(fn, []byte("+0x")); i > 0 {
		fn = fn[:i]
	}
	pos = bytes.TrimLeft(pos, "\t")
	f := Frame{Func: in.str(fn)}
	if i := bytes.LastIndexByte(pos, ':'); i > 0 {
		if n, err := strconv.Atoi(string(pos[i+1:])); err == nil {
			f.File, f.Line = in.str(pos[:i]), n
			return f, true
		}
	}
	f.File = in.str(pos)
	return f, true
}

// parseDebug1Labels reads the label set of a "# labels:" line: a brace list
// of Go-quoted "key":"value" pairs separated by ", ".
func parseDebug1Labels(b []byte) (map[string]string, error) {
	s := strings.TrimSpace(string(b))
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, fmt.Errorf("labels %q are not a {…} list", clipForMessage(b))
	}
	s = s[1 : len(s)-1]
	labels := make(map[string]string)
	for s = strings.TrimSpace(s); s != ""; {
		k, rest, err := unquotePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("reading a label key in %q: %w", clipForMessage(b), err)
		}
		rest, ok := strings.CutPrefix(strings.TrimSpace(rest), ":")
		if !ok {
			return nil, fmt.Errorf("label key %q in %q has no ':' after it", k, clipForMessage(b))
		}
		v, rest, err := unquotePrefix(strings.TrimSpace(rest))
		if err != nil {
			return nil, fmt.Errorf("reading the value of label %q in %q: %w", k, clipForMessage(b), err)
		}
		labels[k] = v
		rest = strings.TrimSpace(rest)
		if rest != "" {
			var ok bool
			if rest, ok = strings.CutPrefix(rest, ","); !ok {
				return nil, fmt.Errorf("label %q in %q is followed by %q instead of ','", k, clipForMessage(b), clipForMessage([]byte(rest)))
			}
		}
		s = strings.TrimSpace(rest)
	}
	return labels, nil
}

// unquotePrefix reads the Go-quoted string s starts with and returns its
// value and what follows it.
func unquotePrefix(s string) (value, rest string, err error) {
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", "", fmt.Errorf("expected a quoted string: %w", err)
	}
	v, err := strconv.Unquote(q)
	if err != nil {
		return "", "", fmt.Errorf("unquoting %s: %w", q, err)
	}
	return v, s[len(q):], nil
}

// clipForMessage shortens input quoted in an error message so one bad
// line does not flood the reader.
func clipForMessage(b []byte) string {
	const max = 80
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// frameStrings returns one string per distinct byte sequence, so the thousands of
// frames that repeat a function or file name share one allocation.
type frameStrings struct {
	m map[string]string
}

func newFrameStrings() *frameStrings { return &frameStrings{m: make(map[string]string)} }

// str returns b as a string, reusing the copy made for equal bytes before.
func (in *frameStrings) str(b []byte) string {
	if s, ok := in.m[string(b)]; ok {
		return s
	}
	s := string(b)
	in.m[s] = s
	return s
}
