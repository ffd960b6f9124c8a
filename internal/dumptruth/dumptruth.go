// Package dumptruth describes the truth files that the dump generator
// (profile/internal/gendump) writes beside each dump it produces: what the
// goroutines of the dump recorded about themselves while they ran. Tests
// compare what a parser or the command reads from a dump with these records,
// never with an earlier reading. One definition serves the generator and
// every test that reads the files, so the two cannot drift apart.
package dumptruth

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Truth is what the generator knew about the goroutines of one dump, from
// the goroutines themselves rather than from reading the dump. It is written
// next to the dump as <dump>.truth.json and read by the corpus tests of profile and cmd/leakhound.
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
	Goroutines []*Goroutine `json:"goroutines,omitempty"`
	// Text lists substrings that must appear in the lines outside the
	// goroutine sections.
	Text []string `json:"text,omitempty"`
	// Stacks is the truth for aggregated profiles (pprof debug=0 and 1).
	Stacks []Stack `json:"stacks,omitempty"`
}

// Goroutine is one goroutine as it recorded itself.
type Goroutine struct {
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
	Frames []Frame `json:"frames,omitempty"`
	// Ancestors are the IDs of the goroutines that created this one,
	// nearest first, when the dump was taken with tracebackancestors.
	Ancestors []int64 `json:"ancestors,omitempty"`
}

// Frame is one frame of a Goroutine.
type Frame struct {
	Func string `json:"func"`
	File string `json:"file"`
	Line int    `json:"line"`
}

// Stack is one stack of an aggregated profile: the records whose
// frames include Func at Line and whose labels equal Labels (none when
// Labels is empty) must together count Count goroutines.
type Stack struct {
	Func   string            `json:"func"`
	File   string            `json:"file"`
	Line   int               `json:"line"`
	Count  int               `json:"count"`
	Labels map[string]string `json:"labels,omitempty"`
}

// Suffix ends the name of every truth file: <dump>.truth.json.
const Suffix = ".truth.json"

// Files returns the truth files of a corpus directory laid out as the
// generator writes it: one subdirectory per Go version.
func Files(root string) ([]string, error) {
	return filepath.Glob(filepath.Join(root, "*", "*"+Suffix))
}

// Load reads one truth file.
func Load(path string) (*Truth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("reading truth file %s: %w", path, err)
	}
	return &t, nil
}

// DumpPath returns the path of the dump a truth file read from path
// describes.
func (t *Truth) DumpPath(path string) string {
	return filepath.Join(filepath.Dir(path), t.Dump)
}
