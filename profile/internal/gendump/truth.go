package main

import (
	"encoding/json"
	"fmt"
	"github.com/leakhound/leakhound/internal/dumptruth"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// The truth file's types live in internal/dumptruth, shared with the tests
// that read the files; the generator names them as it always has.
type (
	// Truth is what the generator knew about the goroutines of one dump.
	Truth = dumptruth.Truth
	// GoroutineTruth is one goroutine as it recorded itself.
	GoroutineTruth = dumptruth.Goroutine
	// FrameTruth is one frame of a GoroutineTruth.
	FrameTruth = dumptruth.Frame
	// StackTruth is one stack of an aggregated profile.
	StackTruth = dumptruth.Stack
)

// writeTruth writes t as <dir>/<t.Dump>.truth.json.
func writeTruth(dir string, t *Truth) error {
	t.Go = runtime.Version()
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, t.Dump+dumptruth.Suffix), append(b, '\n'), 0o644)
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
