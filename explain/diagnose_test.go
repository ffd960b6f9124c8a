package explain

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/srcfile"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// writeSource writes a Go file into a temporary module and returns its
// path and the line of each "// mark:NAME" comment.
func writeSource(t *testing.T, src string) (string, map[string]int) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.go")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	marks := map[string]int{}
	for i, line := range strings.Split(src, "\n") {
		if j := strings.Index(line, "// mark:"); j >= 0 {
			marks[strings.TrimSpace(line[j+len("// mark:"):])] = i + 1
		}
	}
	return path, marks
}

const diagSource = `package x

import (
	"context"
	"sync"
)

func watch(ctx context.Context, in <-chan int) {
	for {
		select { // mark:select
		case <-ctx.Done():
			return
		case <-in:
		}
	}
}

func start(in chan int) {
	ctx, _ := context.WithCancel(context.Background())
	go watch(ctx, in) // mark:go
}

func batch(jobs []func() error) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		go func() {
			wg.Add(1) // mark:add
			defer wg.Done()
			j()
		}()
	}
	wg.Wait() // mark:wait
}

func lockOnly(mu *sync.Mutex) {
	mu.Lock() // mark:lock
}
`

func TestDiagnoseFromSource(t *testing.T) {
	path, m := writeSource(t, diagSource)
	at := func(fn, mark string) profile.Frame {
		return profile.Frame{Func: "example.com/x." + fn, File: path, Line: m[mark]}
	}
	tests := []struct {
		name     string
		g        *profile.Goroutine
		pattern  string
		evidence string // a fragment one evidence line must hold
	}{
		{
			name: "context whose cancel is discarded, seen through the go statement",
			g: &profile.Goroutine{State: "select", Frames: []profile.Frame{at("watch", "select")},
				CreatedBy: ptr(at("start", "go"))},
			pattern:  report.PatternContextNeverDone,
			evidence: "the cancel function of ctx is discarded",
		},
		{
			name:     "WaitGroup.Add inside the goroutine",
			g:        &profile.Goroutine{State: "sync.WaitGroup.Wait", Frames: []profile.Frame{{Func: "sync.(*WaitGroup).Wait", File: "/go/src/sync/waitgroup.go", Line: 1}, at("batch", "wait")}},
			pattern:  report.PatternWaitGroup,
			evidence: "wg.Add at x.go:" + itoa(m["add"]) + " runs inside the goroutine",
		},
		{
			name:     "Lock with no deferred Unlock",
			g:        &profile.Goroutine{State: "sync.Mutex.Lock", Frames: []profile.Frame{at("lockOnly", "lock")}},
			pattern:  report.PatternMutexHeld,
			evidence: "mu.Lock() at x.go:" + itoa(m["lock"]) + " has no deferred Unlock",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := explained([]report.Leak{{Goroutine: tt.g}}, report.Options{ModuleRoot: filepath.Dir(path)}, Options{})
			d := r.Groups[0].Diagnosis
			if d.PatternID != tt.pattern || !d.FromSource {
				t.Errorf("pattern %s from source %v, want %s from source", d.PatternID, d.FromSource, tt.pattern)
			}
			if !containsFragment(d.Evidence, tt.evidence) {
				t.Errorf("no evidence holds %q:\n%s", tt.evidence, strings.Join(d.Evidence, "\n"))
			}
		})
	}
}

func TestDiagnoseWithoutSource(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "gone.go")
	g := &profile.Goroutine{State: "chan receive", Frames: []profile.Frame{{Func: "example.com/x.f", File: missing, Line: 3}}}
	for _, noSource := range []bool{false, true} {
		r := explained([]report.Leak{{Goroutine: g}}, report.Options{NoSource: noSource}, Options{})
		d := r.Groups[0].Diagnosis
		if d.FromSource {
			t.Errorf("NoSource=%v: FromSource with no file to read", noSource)
		}
		if d.PatternID != report.PatternGenericReceive || !strings.Contains(d.Summary, "less certain") {
			t.Errorf("NoSource=%v: %s %q, want the generic receive pattern, marked less certain", noSource, d.PatternID, d.Summary)
		}
		if !containsFragment(d.Evidence, "state: chan receive") {
			t.Errorf("NoSource=%v: the evidence lacks the state: %q", noSource, d.Evidence)
		}
		if !noSource && !containsFragment(d.Evidence, "not readable") {
			t.Errorf("the evidence does not say the source was unreadable: %q", d.Evidence)
		}
	}
}

func TestSourceReadOncePerFile(t *testing.T) {
	path, m := writeSource(t, diagSource)
	c := newSourceCache(srcfile.New(filepath.Dir(path)))
	f1 := c.file(path)
	if f1 == nil {
		t.Fatal("source not read")
	}
	// Changing the file after the first read must not matter: the cache
	// holds the parse for the whole report build.
	if err := os.WriteFile(path, []byte("not go"), 0o644); err != nil {
		t.Fatal(err)
	}
	if f2 := c.file(path); f2 != f1 {
		t.Error("the file was read and parsed again")
	}
	if s := f1.locate(m["wait"]); s == nil || s.text != "wg.Wait()" {
		t.Errorf("locate: %+v", s)
	}
}

func containsFragment(lines []string, frag string) bool {
	for _, l := range lines {
		if strings.Contains(l, frag) {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }

func itoa(n int) string { return strconv.Itoa(n) }
