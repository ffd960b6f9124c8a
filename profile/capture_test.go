package profile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"
)

// helperEnv names the environment variable that makes TestCaptureHelperProcess
// act as a child process for the tests below, which need a fresh process: one
// where Capture has not yet touched GODEBUG, or whose leaked goroutines die
// with it.
const helperEnv = "LEAKHOUND_PROFILE_HELPER"

// helperResult is what a child process reports, as JSON on stdout.
type helperResult struct {
	Godebug string
	// LabelsBefore reports labels in traceback text before Capture touched
	// GODEBUG; LabelsInText after.
	LabelsBefore bool
	LabelsInText bool
	// Labels of the goroutines the child started, by the name it gave them.
	Labels map[string]map[string]string
	// Leaked lists the names of started goroutines CaptureLeaked reported.
	Leaked []string
	// LeakedOthers counts leaked goroutines the child did not start.
	LeakedOthers int
	Err          string
}

// runHelper runs this test binary as a child in the given mode and with the
// given GODEBUG (unset when nil), and returns what it reported.
func runHelper(t *testing.T, mode string, godebug *string) helperResult {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCaptureHelperProcess$", "-test.count=1")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GODEBUG=") && !strings.HasPrefix(kv, helperEnv+"=") {
			env = append(env, kv)
		}
	}
	env = append(env, helperEnv+"="+mode)
	if godebug != nil {
		env = append(env, "GODEBUG="+*godebug)
	}
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper process %q: %v\nstdout:\n%s\nstderr:\n%s", mode, err, out, stderr.Bytes())
	}
	line, _, _ := bytes.Cut(out, []byte("\n"))
	var r helperResult
	if err := json.Unmarshal(line, &r); err != nil {
		t.Fatalf("helper process %q wrote %q: %v", mode, out, err)
	}
	if r.Err != "" {
		t.Fatalf("helper process %q: %s", mode, r.Err)
	}
	return r
}

// TestCaptureHelperProcess is not a test: runHelper starts it in a child
// process, where it runs one scenario and prints a helperResult.
func TestCaptureHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("runs only as a child process of other tests")
	}
	var r helperResult
	switch mode {
	case "godebug":
		r.LabelsBefore = labelsReachTraceback()
		r.LabelsInText = EnableTracebackLabels(os.Getenv("GODEBUG"))
		r.Godebug = os.Getenv("GODEBUG")
	case "capture-alone":
		if _, err := Capture(); err != nil {
			r.Err = err.Error()
		}
		r.Godebug = os.Getenv("GODEBUG")
	case "capture":
		r.LabelsInText = EnableTracebackLabels(os.Getenv("GODEBUG"))
		r.Godebug = os.Getenv("GODEBUG")
		r.Labels, r.Err = captureNamedGoroutines(t)
	case "leaked":
		r.Leaked, r.LeakedOthers, r.Err = leakAndCapture(t)
	case "own-labels":
		// The first switch-on probes with a labelled goroutine; the
		// caller's own labels must come through it unchanged.
		pprof.SetGoroutineLabels(pprof.WithLabels(context.Background(), pprof.Labels("owner", "caller")))
		r.LabelsInText = EnableTracebackLabels(os.Getenv("GODEBUG"))
		buf := make([]byte, 4096)
		s, err := ParseBytes(buf[:runtime.Stack(buf, false)])
		if err != nil {
			r.Err = err.Error()
			break
		}
		r.Labels = map[string]map[string]string{"self": s.Goroutines[0].Labels}
	default:
		r.Err = "unknown helper mode " + mode
	}
	b, _ := json.Marshal(r)
	os.Stdout.Write(append(b, '\n'))
}

// captureNamedGoroutines starts goroutines whose labels a Capture must find,
// or must leave unknown, and returns what Capture says about each by name.
func captureNamedGoroutines(t *testing.T) (map[string]map[string]string, string) {
	// "unique": the only goroutines parked at liveParked with that label set.
	unique := startLiveGroup(t, 2, map[string]string{"leakhound.test": "unique"})
	// "ambiguous": two label sets at one stack, parked in parkElsewhere.
	amb1 := startParkedElsewhere(t, map[string]string{"leakhound.test": "amb1"})
	amb2 := startParkedElsewhere(t, map[string]string{"leakhound.test": "amb2"})
	s, err := Capture()
	if err != nil {
		return nil, err.Error()
	}
	byID := make(map[int64]*Goroutine)
	for _, g := range s.Goroutines {
		byID[g.ID] = g
	}
	out := make(map[string]map[string]string)
	for name, id := range map[string]int64{"unique0": unique.IDs[0], "unique1": unique.IDs[1], "amb1": amb1, "amb2": amb2} {
		g := byID[id]
		if g == nil {
			return nil, "Capture lost goroutine " + name
		}
		out[name] = g.Labels
	}
	return out, ""
}

// startParkedElsewhere starts one labelled goroutine parked at a receive
// other than liveParked's, and returns its ID once parked.
func startParkedElsewhere(t *testing.T, labels map[string]string) int64 {
	release := make(chan struct{})
	ids := make(chan int64)
	done := make(chan struct{})
	pprof.Do(context.Background(), pprof.Labels("leakhound.test", labels["leakhound.test"]), func(context.Context) {
		go func() {
			defer close(done)
			ids <- CurrentID()
			<-release
		}()
	})
	t.Cleanup(func() { close(release); <-done })
	id := <-ids
	waitParked(t, []int64{id})
	return id
}

// leakAndCapture leaks one goroutine for good (this process ends soon), parks
// another on a channel the test still holds, and reports which of them
// CaptureLeaked proves leaked.
func leakAndCapture(t *testing.T) ([]string, int, string) {
	ids := make(chan int64)
	pprof.Do(context.Background(), pprof.Labels("leakhound.test", "leaked"), func(context.Context) {
		go func() {
			orphan := make(chan int)
			ids <- CurrentID()
			<-orphan // nothing else can ever reach this channel
		}()
	})
	leakedID := <-ids
	waitParked(t, []int64{leakedID})
	held := startLiveGroup(t, 1, nil)
	s, err := CaptureLeaked()
	if err != nil {
		return nil, 0, err.Error()
	}
	var names []string
	others := 0
	for _, g := range s.Goroutines {
		switch {
		case !g.Leaked:
			return nil, 0, "CaptureLeaked returned a goroutine without Leaked set"
		case g.ID == leakedID:
			if g.Labels["leakhound.test"] != "leaked" {
				return nil, 0, "the leaked goroutine lost its label"
			}
			names = append(names, "orphan")
		case g.ID == held.IDs[0]:
			names = append(names, "held")
		default:
			others++
		}
	}
	return names, others, ""
}

// TestTracebackLabelsSetting checks in fresh processes that
// EnableTracebackLabels turns label printing on while the program runs, keeps the user's other
// GODEBUG settings, and respects a user's explicit choice. Labels are off at
// the start unless the user asked for them (this module says go 1.26, so Go
// 1.27's default does not apply), which shows that changing GODEBUG at run
// time is what turns them on.
func TestTracebackLabelsSetting(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		name        string
		godebug     *string
		wantGodebug string
		wantBefore  bool
		wantLabels  bool
	}{
		{"unset", nil, "tracebacklabels=1", false, true},
		{"empty", str(""), "tracebacklabels=1", false, true},
		{"other settings kept", str("madvdontneed=1,panicnil=0"), "madvdontneed=1,panicnil=0,tracebacklabels=1", false, true},
		{"user turned it off", str("tracebacklabels=0"), "tracebacklabels=0", false, false},
		{"user turned it on", str("panicnil=0,tracebacklabels=1"), "panicnil=0,tracebacklabels=1", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each case is a process of its own
			r := runHelper(t, "godebug", tt.godebug)
			if r.Godebug != tt.wantGodebug {
				t.Errorf("GODEBUG = %q, want %q", r.Godebug, tt.wantGodebug)
			}
			if r.LabelsBefore != tt.wantBefore {
				t.Errorf("labels in traceback text before Capture = %v, want %v", r.LabelsBefore, tt.wantBefore)
			}
			if r.LabelsInText != tt.wantLabels {
				t.Errorf("labels in traceback text = %v, want %v", r.LabelsInText, tt.wantLabels)
			}
		})
	}
}

// TestCaptureLeavesGodebug checks in a fresh process that Capture alone
// changes no environment: only EnableTracebackLabels, which an entry point
// calls with the GODEBUG it read, turns label printing on.
func TestCaptureLeavesGodebug(t *testing.T) {
	r := runHelper(t, "capture-alone", nil)
	if r.Godebug != "" {
		t.Errorf("GODEBUG = %q after Capture, want it left unset", r.Godebug)
	}
}

// TestTracebackLabelsKeepsCallerLabels switches label printing on from a
// labelled goroutine in a fresh process and checks that the goroutine still
// has its labels afterwards.
func TestTracebackLabelsKeepsCallerLabels(t *testing.T) {
	r := runHelper(t, "own-labels", nil)
	if !r.LabelsInText {
		t.Fatal("EnableTracebackLabels() = false, want true with GODEBUG unset")
	}
	if got := r.Labels["self"]["owner"]; got != "caller" {
		t.Errorf("caller's label owner = %q after EnableTracebackLabels, want %q (labels: %v)", got, "caller", r.Labels["self"])
	}
}

func TestGodebugHelpers(t *testing.T) {
	tests := []struct {
		env      string
		value    string
		set      bool
		appended string
	}{
		{"", "", false, "tracebacklabels=1"},
		{"  ", "", false, "tracebacklabels=1"},
		{"tracebacklabels=0", "0", true, "tracebacklabels=0,tracebacklabels=1"},
		{"tracebacklabels=1,tracebacklabels=0", "0", true, "tracebacklabels=1,tracebacklabels=0,tracebacklabels=1"},
		{"x=1, tracebacklabels=2,", "2", true, "x=1, tracebacklabels=2,tracebacklabels=1"},
		{"nottracebacklabels=1", "", false, "nottracebacklabels=1,tracebacklabels=1"},
	}
	for _, tt := range tests {
		v, set := godebugSetting(tt.env, "tracebacklabels")
		if v != tt.value || set != tt.set {
			t.Errorf("godebugSetting(%q) = %q, %v; want %q, %v", tt.env, v, set, tt.value, tt.set)
		}
		if got := appendGodebug(tt.env, "tracebacklabels=1"); got != tt.appended {
			t.Errorf("appendGodebug(%q) = %q, want %q", tt.env, got, tt.appended)
		}
	}
}

// TestCaptureLabelJoin checks, in fresh processes, that Capture knows the
// labels of goroutines whether or not the runtime prints them, and that the
// fallback join leaves them unknown where the profile cannot tell.
func TestCaptureLabelJoin(t *testing.T) {
	off := "tracebacklabels=0"
	unique := map[string]string{"leakhound.test": "unique"}
	tests := []struct {
		name    string
		godebug *string
		want    map[string]map[string]string
	}{
		{"labels in text", nil, map[string]map[string]string{
			"unique0": unique, "unique1": unique,
			"amb1": {"leakhound.test": "amb1"}, "amb2": {"leakhound.test": "amb2"},
		}},
		{"labels joined from the profile", &off, map[string]map[string]string{
			"unique0": unique, "unique1": unique, "amb1": nil, "amb2": nil,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each case is a process of its own
			r := runHelper(t, "capture", tt.godebug)
			for name, want := range tt.want {
				got := r.Labels[name]
				if !maps.Equal(got, want) || (got == nil) != (want == nil) {
					t.Errorf("goroutine %s: Labels = %v, want %v", name, got, want)
				}
			}
		})
	}
}

func TestCaptureLeaked(t *testing.T) {
	if !LeakProfileAvailable() {
		if _, err := CaptureLeaked(); !errors.Is(err, ErrLeakProfileUnavailable) {
			t.Fatalf("CaptureLeaked without the profile: err = %v, want ErrLeakProfileUnavailable", err)
		}
		t.Skip("no goroutineleak profile in this runtime (Go 1.26 without GOEXPERIMENT=goroutineleakprofile)")
	}
	off := "tracebacklabels=0"
	for _, godebug := range []*string{nil, &off} {
		name := "labels in text"
		if godebug != nil {
			name = "labels joined from the profile"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel() // each case is a process of its own
			// The helper checks the orphan's label itself.
			r := runHelper(t, "leaked", godebug)
			if !slices.Equal(r.Leaked, []string{"orphan"}) {
				t.Errorf("proven leaked: %v, want only the orphaned goroutine (not the one on a held channel)", r.Leaked)
			}
			if r.LeakedOthers != 0 {
				t.Errorf("%d goroutines the helper did not start were reported leaked", r.LeakedOthers)
			}
		})
	}
}

// TestCapture starts labelled and unlabelled goroutines and checks every
// detail Capture reports about them.
func TestCapture(t *testing.T) {
	if !EnableTracebackLabels(os.Getenv("GODEBUG")) {
		t.Skip("GODEBUG sets tracebacklabels=0: the labels of goroutines with one stack cannot be told apart")
	}
	labels := map[string]string{"leakhound.test": "TestCapture", "weird": `a ]}, "b": c`}
	before, err := Capture()
	if err != nil {
		t.Fatal(err)
	}
	labelled := startLiveGroup(t, 3, labels)
	plain := startLiveGroup(t, 2, nil)
	self := CurrentID()
	s, err := Capture()
	if err != nil {
		t.Fatal(err)
	}
	if s.Format != FormatCapture {
		t.Errorf("Format = %q, want %q", s.Format, FormatCapture)
	}
	byID := make(map[int64]*Goroutine)
	for _, g := range s.Goroutines {
		byID[g.ID] = g
	}
	if g := byID[self]; g == nil || g.State != "running" {
		t.Errorf("the capturing goroutine %d: %+v, want it listed as running", self, g)
	}
	for _, grp := range []struct {
		g      *liveGroup
		labels map[string]string
	}{{labelled, labels}, {plain, nil}} {
		for _, id := range grp.g.IDs {
			g := byID[id]
			if g == nil {
				t.Errorf("goroutine %d missing from Capture", id)
				continue
			}
			if g.State != "chan receive" {
				t.Errorf("goroutine %d: State = %q, want chan receive", id, g.State)
			}
			if !maps.Equal(g.Labels, grp.labels) {
				t.Errorf("goroutine %d: Labels = %q, want %q", id, g.Labels, grp.labels)
			}
			if !slices.Contains(g.Frames, grp.g.At) {
				t.Errorf("goroutine %d: frames %+v lack %+v", id, g.Frames, grp.g.At)
			}
			if g.CreatedBy == nil || g.ParentID != self {
				t.Errorf("goroutine %d: CreatedBy %+v, ParentID %d; want a creator in goroutine %d", id, g.CreatedBy, g.ParentID, self)
			}
		}
	}
	added := Diff(before, s)
	for _, id := range append(slices.Clone(labelled.IDs), plain.IDs...) {
		if !slices.ContainsFunc(added, func(g *Goroutine) bool { return g.ID == id }) {
			t.Errorf("Diff lacks goroutine %d started between the captures", id)
		}
	}
	for _, g := range added {
		if slices.ContainsFunc(before.Goroutines, func(b *Goroutine) bool { return b.ID == g.ID }) {
			t.Errorf("Diff returned goroutine %d, which the first capture had", g.ID)
		}
	}
}

// TestCaptureAggregate checks the clean-path view: labelled goroutines are
// counted, and Diff of two aggregates finds the ones started in between.
func TestCaptureAggregate(t *testing.T) {
	before, err := CaptureAggregate()
	if err != nil {
		t.Fatal(err)
	}
	if n := before.Count("leakhound.test", "TestCaptureAggregate"); n != 0 {
		t.Fatalf("Count before starting goroutines = %d, want 0", n)
	}
	grp := startLiveGroup(t, 4, map[string]string{"leakhound.test": "TestCaptureAggregate"})
	after, err := CaptureAggregate()
	if err != nil {
		t.Fatal(err)
	}
	if after.Format != FormatProfileText {
		t.Errorf("Format = %q, want %q", after.Format, FormatProfileText)
	}
	if n := after.Count("leakhound.test", "TestCaptureAggregate"); n != 4 {
		t.Errorf("Count = %d, want 4", n)
	}
	if after.total() < runtime.NumGoroutine()-10 || after.total() < 5 {
		t.Errorf("total = %d, with %d goroutines running", after.total(), runtime.NumGoroutine())
	}
	var found int
	for _, g := range Diff(before, after) {
		if slices.Contains(g.Frames, grp.At) && g.Labels["leakhound.test"] == "TestCaptureAggregate" {
			found += g.Count
		}
	}
	if found != 4 {
		t.Errorf("Diff of aggregates found %d new labelled goroutines at %+v, want 4", found, grp.At)
	}
}

func TestCurrentID(t *testing.T) {
	self := CurrentID()
	if self <= 0 {
		t.Fatalf("CurrentID = %d", self)
	}
	if again := CurrentID(); again != self {
		t.Errorf("CurrentID changed from %d to %d on one goroutine", self, again)
	}
	// startLiveGroup waits for the IDs its goroutines report to show up as
	// parked in a traceback, so wrong IDs would fail there.
	grp := startLiveGroup(t, 3, nil)
	seen := map[int64]bool{self: true}
	for _, id := range grp.IDs {
		if seen[id] || id <= 0 {
			t.Errorf("goroutine ID %d repeated or invalid in %v (self %d)", id, grp.IDs, self)
		}
		seen[id] = true
	}
}

// TestCaptureIDs: the IDs come sorted, include the caller, and match the
// goroutines of a full capture.
func TestCaptureIDs(t *testing.T) {
	stop := make(chan struct{})
	defer close(stop)
	for range 3 {
		go func() { <-stop }()
	}
	ids := CaptureIDs(nil)
	if !slices.IsSorted(ids) {
		t.Fatalf("IDs not sorted: %v", ids)
	}
	if _, ok := slices.BinarySearch(ids, CurrentID()); !ok {
		t.Fatalf("the caller %d is not among %v", CurrentID(), ids)
	}
	if len(ids) < 4 {
		t.Fatalf("%d IDs, want at least the caller and its 3 goroutines", len(ids))
	}
}

// TestAppendHeaderIDs reads the ID of each goroutine header, and nothing
// from frame lines.
func TestAppendHeaderIDs(t *testing.T) {
	text := "goroutine 7 [running]:\nmain.main()\n\t/x/main.go:5 +0x1d\n\n" +
		"goroutine 19 [chan receive labels:{\"k\": \"goroutine 3\"}]:\nmain.f()\n\t/x/main.go:9 +0x25\ncreated by main.main in goroutine 7\n\t/x/main.go:4 +0x1f\n\n" +
		"goroutine 1234 gp=0xc000007c00 m=nil [select]:\nmain.g()\n"
	got := appendHeaderIDs(nil, []byte(text))
	if want := []int64{7, 19, 1234}; !slices.Equal(got, want) {
		t.Fatalf("IDs %v, want %v", got, want)
	}
}
