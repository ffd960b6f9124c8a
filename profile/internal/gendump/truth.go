package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// Truth is what the generator knew about the goroutines of one dump, from
// the goroutines themselves rather than from reading the dump. It is written
// next to the dump as <dump>.truth.json and read by profile/corpus_test.go.
type Truth struct {
	// Go is runtime.Version() of the process that produced the dump.
	Go string `json:"go"`
	// Scenario names the situation the dump comes from.
	Scenario string `json:"scenario"`
	// Dump is the dump's file name, in the truth file's directory.
	Dump string `json:"dump"`
	// Format is the Snapshot.Format a parser must report.
	Format string `json:"format"`
	// Goroutines must all be present in the dump, with these properties.
	Goroutines []*GoroutineTruth `json:"goroutines,omitempty"`
	// Text lists substrings that must appear in the lines outside the
	// goroutine sections.
	Text []string `json:"text,omitempty"`
	// Stacks is the truth for aggregated profiles (pprof debug=0 and 1).
	Stacks []StackTruth `json:"stacks,omitempty"`
}

// GoroutineTruth is one goroutine as it recorded itself.
type GoroutineTruth struct {
	ID int64 `json:"id"`
	// Name says which construct the goroutine exercises.
	Name string `json:"name"`
	// State is the wait state the runtime must print; empty when it may
	// vary (a running goroutine in a crash).
	State  string            `json:"state,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`
	// CreatedBy is the function holding the go statement and CreatedLine
	// its line; ParentID the goroutine that ran it.
	CreatedBy   string `json:"createdBy,omitempty"`
	CreatedLine int    `json:"createdLine,omitempty"`
	ParentID    int64  `json:"parentId,omitempty"`
	// Elided says the stack is deep enough for the runtime to elide frames.
	Elided  bool `json:"elided,omitempty"`
	Leaked  bool `json:"leaked,omitempty"`
	Durable bool `json:"durable,omitempty"`
	// InBubble says the goroutine runs in a synctest bubble (its ID is
	// internal to the runtime, so only its presence is known).
	InBubble bool `json:"inBubble,omitempty"`
	Locked   bool `json:"locked,omitempty"`
	// Frames are the goroutine's own frames, innermost first, from
	// runtime.Callers at the point it blocks; the parsed stack must hold
	// them in this order (the runtime adds frames of its own above them).
	Frames []FrameTruth `json:"frames,omitempty"`
	// Ancestors are the IDs of the goroutines that created this one,
	// nearest first, when the dump was taken with tracebackancestors.
	Ancestors []int64 `json:"ancestors,omitempty"`
}

// FrameTruth is one frame of a GoroutineTruth.
type FrameTruth struct {
	Func string `json:"func"`
	File string `json:"file"`
	Line int    `json:"line"`
}

// StackTruth is one stack of an aggregated profile: the records whose
// frames include Func at Line and whose labels equal Labels (none when
// Labels is empty) must together count Count goroutines.
type StackTruth struct {
	Func   string            `json:"func"`
	File   string            `json:"file"`
	Line   int               `json:"line"`
	Count  int               `json:"count"`
	Labels map[string]string `json:"labels,omitempty"`
}

// writeTruth writes t as <dir>/<t.Dump>.truth.json.
func writeTruth(dir string, t *Truth) error {
	t.Go = runtime.Version()
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, t.Dump+".truth.json"), append(b, '\n'), 0o644)
}

// rec is the recorder a generated goroutine fills in about itself. The
// convention: r.created() is called on the line just above the go
// statement, and r.mark() on the line just above the blocking statement.
type rec struct {
	mu sync.Mutex
	GoroutineTruth
	ready chan struct{}
}

func newRec(name, state string) *rec {
	r := &rec{ready: make(chan struct{})}
	r.Name, r.State = name, state
	return r
}

// created records the go statement on the line below the caller's.
func (r *rec) created() {
	pc, _, line, ok := runtime.Caller(1)
	if !ok {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.CreatedBy = runtime.FuncForPC(pc).Name()
	r.CreatedLine = line + 1
	r.ParentID = currentID()
}

// mark records the calling goroutine's ID and stack, placing the innermost
// frame on the line below the call, and reports the goroutine ready.
func (r *rec) mark() {
	pcs := make([]uintptr, 256)
	n := runtime.Callers(2, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var fs []FrameTruth
	for {
		f, more := frames.Next()
		if f.Function == "runtime.goexit" || f.Function == "" {
			break
		}
		fs = append(fs, FrameTruth{Func: f.Function, File: f.File, Line: f.Line})
		if !more {
			break
		}
	}
	if len(fs) > 0 {
		fs[0].Line++
	}
	r.mu.Lock()
	r.ID = currentID()
	r.Frames = fs
	r.mu.Unlock()
	close(r.ready)
}

// truth returns a copy of what r recorded.
func (r *rec) truth() *GoroutineTruth {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.GoroutineTruth
	fs := t.Frames
	if t.Elided && len(fs) > 6 {
		// The runtime prints the innermost and outermost frames of a deep
		// stack; the truth keeps a few of each.
		fs = append(fs[:3:3], fs[len(fs)-3:]...)
	}
	t.Frames = append([]FrameTruth(nil), fs...)
	return &t
}

// currentID reads the calling goroutine's ID from the header of its own
// stack trace, the one place the runtime shows it.
func currentID() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	s := strings.TrimPrefix(string(buf), "goroutine ")
	if i := strings.IndexByte(s, ' '); i > 0 {
		if id, err := strconv.ParseInt(s[:i], 10, 64); err == nil {
			return id
		}
	}
	panic(fmt.Sprintf("gendump: cannot read the goroutine ID from %q", buf))
}
