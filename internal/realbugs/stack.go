package realbugs

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
)

// Goroutine is one goroutine of a runtime.Stack dump, read by this
// package's own small parser: the truth is checked without leakhound's
// profile package.
type Goroutine struct {
	ID int64
	// State is the wait reason in the header's brackets, without the
	// minutes ("chan send", "select", "sync.Mutex.Lock").
	State string
	// Frames are innermost first.
	Frames []Frame
	// CreatedBy is the go statement, when the dump names it.
	CreatedBy *Frame
}

// Frame is one function in a stack: its name and file:line.
type Frame struct {
	Func string
	File string
	Line int
}

// Waiting reports whether g is parked (not running, runnable or in a
// system call).
func (g Goroutine) Waiting() bool {
	switch g.State {
	case "running", "runnable", "syscall", "":
		return false
	}
	return true
}

// At returns the innermost frame of g in file, and whether there is one.
func (g Goroutine) At(file string) (Frame, bool) {
	for _, f := range g.Frames {
		if f.File == file {
			return f, true
		}
	}
	return Frame{}, false
}

// Stacks returns every goroutine's stack as runtime.Stack prints it.
func Stacks() []byte {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// ParseStacks reads a runtime.Stack dump of all goroutines.
func ParseStacks(dump []byte) []Goroutine {
	var out []Goroutine
	for block := range bytes.SplitSeq(dump, []byte("\n\n")) {
		lines := strings.Split(strings.TrimSpace(string(block)), "\n")
		head, ok := strings.CutPrefix(lines[0], "goroutine ")
		if !ok {
			continue
		}
		idText, rest, _ := strings.Cut(head, " ")
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			continue
		}
		g := Goroutine{ID: id}
		if i, j := strings.Index(rest, "["), strings.Index(rest, "]"); i >= 0 && j > i {
			g.State, _, _ = strings.Cut(rest[i+1:j], ",")
		}
		for i := 1; i+1 < len(lines); i += 2 {
			fn, loc := lines[i], strings.TrimSpace(lines[i+1])
			f := Frame{Func: fn}
			if sp := strings.LastIndex(loc, " +0x"); sp >= 0 {
				loc = loc[:sp]
			}
			if c := strings.LastIndex(loc, ":"); c >= 0 {
				f.File = loc[:c]
				f.Line, _ = strconv.Atoi(loc[c+1:])
			}
			if by, ok := strings.CutPrefix(fn, "created by "); ok {
				f.Func = by
				g.CreatedBy = &f
				break
			}
			g.Frames = append(g.Frames, f)
		}
		out = append(out, g)
	}
	return out
}
