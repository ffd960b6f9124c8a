package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/profile"
)

// fullDocument is a document that sets every field the schema has, so a
// round trip that loses any of them fails.
func fullDocument(t testing.TB) *Document {
	reports := fixtureReports(t, t.TempDir(), "example.com/app/store")
	reports[0].ModuleRoot = "/src/app"
	for _, r := range reports {
		r.sources = nil // a reader of the JSON reads no source files
	}
	g := reports[0].Groups[0]
	g.Leaked = 3
	g.Known = true
	reports[0].Baseline = "leakhound-baseline.txt"
	g.Stack.WaitMinutes = 2
	g.Stack.LockedToThread = true
	g.Stack.Leaked = true
	g.Stack.Durable = true
	g.Stack.Bubble = 4
	g.Stack.ElidedFrames = 10
	g.Stack.StackUnavailable = true
	g.Stack.Truncated = true
	g.Stack.Ancestors = []profile.Ancestor{{
		ID:        7,
		Frames:    []profile.Frame{{Func: "example.com/app/store.TestFetch", File: "/src/app/store_test.go", Line: 12}},
		CreatedBy: &profile.Frame{Func: "testing.(*T).Run", File: "/go/src/testing/testing.go", Line: 1997},
	}}
	ref := func(line int, kind string) SourceRef {
		return SourceRef{File: "/src/app/store.go", Line: line, Func: "(*Store).Close", Text: "close(s.stop)", Kind: kind}
	}
	g.Diagnosis.Fix = "call (*Store).Close"
	g.Diagnosis.Facts = Facts{
		Op: "select", Object: "s.stop", Make: &SourceRef{File: "/src/app/store.go", Line: 8, Func: "NewStore", Text: "make(chan int, 1)"},
		Buffer: "1",
		Select: &SelectFacts{Line: 20, Default: true, InLoop: true, Cases: []SelectCase{
			{Line: 21, Send: true, Channel: "s.out", Stop: true, Partners: []SourceRef{ref(30, "receive")}},
		}},
		Held:     []LockFact{{Mutex: "s.mu", Read: true, Lock: ref(19, ""), Deferred: true}},
		Partners: []SourceRef{ref(42, "close")},
		Closer: &Closer{Type: "Store", Pointer: true, Method: "Close", Recv: "s", TakesContext: true, At: ref(40, ""),
			Owners: []SourceRef{ref(50, "")}},
		Context: "ctx", ContextFrom: "a parameter", Cycle: 1,
	}
	reports[0].Cycles = []Cycle{{Kind: "lock order", Groups: []int{0, 1}, Edges: []CycleEdge{
		{Wait: ref(21, "lock"), Release: ref(19, "lock"), Why: "#1 waits for s.mu, which #2 holds"},
		{Wait: ref(19, "lock"), Release: ref(21, "lock"), Why: "#2 waits for t.mu, which #1 holds"},
	}}}
	return &Document{
		SchemaVersion: SchemaVersion,
		Package:       "example.com/app/store",
		GeneratedAt:   time.Date(2026, 11, 26, 21, 0, 5, 0, time.UTC),
		Reports:       reports,
		Shard:         "2/4",
		// The catalog's own text: a document's never replaces it.
		Patterns: map[string]Pattern{"LH001": mustPattern(t, "LH001")},
	}
}

func TestJSONRoundTrip(t *testing.T) {
	want := fullDocument(t)
	var buf bytes.Buffer
	if err := want.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		gj, _ := json.MarshalIndent(got, "", " ")
		wj, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("round trip changed the document\n got: %s\nwant: %s", gj, wj)
	}
}

func TestReportWriteJSONHoldsOneReport(t *testing.T) {
	r := fixtureReports(t, t.TempDir(), "example.com/p")[0]
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	d, err := ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if d.Package != "example.com/p" || len(d.Reports) != 1 || d.Reports[0].Total != 5 || len(d.Reports[0].Groups) != 2 {
		t.Errorf("got package %q with %d reports, want example.com/p with the one report of 2 groups", d.Package, len(d.Reports))
	}
	if d.SchemaVersion != SchemaVersion {
		t.Errorf("schema version %d, want %d", d.SchemaVersion, SchemaVersion)
	}
}

func TestReadJSONRejects(t *testing.T) {
	tests := []struct {
		name, in  string
		errSubstr string
		isVersion bool
	}{
		{"not JSON", "goroutine 1 [running]:", "reading the JSON report", false},
		{"no schema version", `{"package":"p","reports":[]}`, "not a leakhound report", false},
		{"future schema", `{"schema_version":99,"reports":[]}`, "schema version 99", true},
		{"negative schema", `{"schema_version":-1}`, "schema version -1", true},
		{"wrong type", `{"schema_version":1,"reports":{"a":1}}`, "reading the JSON report", false},
		{"empty", ``, "reading the JSON report", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ReadJSON(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("ReadJSON accepted %q: %+v", tt.in, d)
			}
			if !strings.Contains(err.Error(), tt.errSubstr) {
				t.Errorf("error %q does not say %q", err, tt.errSubstr)
			}
			if errors.Is(err, ErrSchemaVersion) != tt.isVersion {
				t.Errorf("errors.Is(err, ErrSchemaVersion) = %v, want %v", !tt.isVersion, tt.isVersion)
			}
		})
	}
}

// TestJSONSchemaDocumented keeps SCHEMA.md honest: every field the writer
// emits must be documented there, by its path in backquotes.
func TestJSONSchemaDocumented(t *testing.T) {
	doc, err := os.ReadFile("SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := fullDocument(t).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	paths := map[string]bool{}
	collectJSONPaths(v, "", paths)
	if len(paths) < 40 {
		t.Fatalf("only %d fields emitted; the fixture should set every field", len(paths))
	}
	var missing []string
	for p := range paths {
		if !strings.Contains(string(doc), "`"+p+"`") {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("SCHEMA.md does not document:\n%s", strings.Join(missing, "\n"))
	}
}

// collectJSONPaths records the path of every object key, with "[]" for
// array elements; the keys of "labels" are data, not schema.
func collectJSONPaths(v any, prefix string, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out[p] = true
			if k != "labels" {
				collectJSONPaths(e, p, out)
			}
		}
	case []any:
		for _, e := range v {
			collectJSONPaths(e, prefix+"[]", out)
		}
	}
}

func mustPattern(t testing.TB, id string) Pattern {
	t.Helper()
	p, ok := PatternByID(id)
	if !ok {
		t.Fatalf("no pattern %s in the catalog", id)
	}
	return p
}
