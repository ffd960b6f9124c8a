package realbugs

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// Case is one reproduction of a real goroutine leak.
type Case struct {
	// Name is the case's directory under internal/realbugs, e.g.
	// "etcd_watch_ctrlstream".
	Name string
	// Dir is the case's source directory as the compiler recorded it
	// (absolute unless built with -trimpath): the directory stack frames
	// name.
	Dir string
	// Truth is the case's truth.json.
	Truth Truth
	// Patch is the case's fix.patch: the upstream fix's effect on the
	// reproduction, as a unified diff of files in Dir.
	Patch []byte
	// Run triggers the leak and returns, leaving the leaked goroutines
	// blocked (they may still be on their way to the blocking line when
	// Run returns; Capture waits for them).
	Run func()
}

// Truth is what a case's leak is, written down from the upstream fix
// before leakhound was run on the case.
type Truth struct {
	// Source is the upstream fix: a pull request, commit or issue URL.
	Source string `json:"source"`
	// Project is the upstream repository, owner/name.
	Project string `json:"project"`
	// Summary says what leaks and why, in a sentence or two.
	Summary string `json:"summary"`
	// Block is where the leaked goroutine blocks: the line of the case's
	// own code that the goroutine waits at.
	Block Pos `json:"block"`
	// Class is the root cause, in the words of Classes.
	Class string `json:"class"`
	// Partner is the existing statement meant to release the goroutine:
	// the receive the caller left behind, the Unlock, Done or send an early
	// return jumped over, the close or cancel in a method no one called, the
	// one send meant to stop several workers, the outer read lock's release
	// a recursive read waits behind. It is nil when the code has no such
	// statement (the close or cancel the fix adds, a channel nothing else
	// touches): a diagnosis then should name none.
	Partner *Pos `json:"partner"`
	// Creator is the go statement that started the leaked goroutine.
	Creator Pos `json:"creator"`
	// Fix is the upstream fix in one sentence.
	Fix string `json:"fix"`
	// FixCall names what the upstream fix calls that the code already had,
	// as "Type.Method" for a method ("DB.Close") or the plain name of a
	// function or func value ("cancel"); "" when the fix adds or changes
	// code instead (a buffer, a select, a close).
	FixCall string `json:"fix_call"`
}

// Pos is a file:line in a case's directory, written "leak.go:31".
type Pos struct {
	File string
	Line int
}

func (p Pos) String() string { return p.File + ":" + strconv.Itoa(p.Line) }

// MarshalJSON writes p as "file:line".
func (p Pos) MarshalJSON() ([]byte, error) { return json.Marshal(p.String()) }

// UnmarshalJSON reads "file:line".
func (p *Pos) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	file, line, ok := strings.Cut(s, ":")
	n, err := strconv.Atoi(line)
	if !ok || err != nil || n < 1 || file == "" || strings.ContainsAny(file, `/\`) {
		return fmt.Errorf("position %q is not file:line of a file in the case's directory", s)
	}
	*p = Pos{File: file, Line: n}
	return nil
}

// Classes are the root-cause classes a truth may name, with what each
// means. They are the words of the GoKer score (explain/goker_score_test.go)
// for the classes this corpus has.
var Classes = map[string]string{
	"no-receiver":     "a send that nothing will receive: the receiver left (timeout, cancel, early return) or never existed",
	"no-sender":       "a receive or range that nothing will send to or close",
	"never-closed":    "a wait for a stop channel or closer that the owner never closes or calls (Close, Stop, Shutdown)",
	"never-cancelled": "a wait for a context that is never cancelled",
	"missing-done":    "a WaitGroup.Wait whose count never reaches zero: a Done skipped",
	"missing-unlock":  "a Lock waiting for a mutex whose holder returned without Unlock",
	"rlock-writer":    "a read lock taken again while holding one, queued behind a writer that waits for the first",
	"missed-signal":   "a Cond.Wait whose Signal or Broadcast went elsewhere or came before the wait",
	"timer-drain":     "a loop on a ticker or timer channel with no way out",
}

//go:embed */truth.json */fix.patch
var files embed.FS

// Cases returns every case, sorted by name: the directories holding a
// truth.json, each with the Run its package registers. It panics when a
// directory and the registry disagree or a truth does not parse, which
// the package's tests catch.
func Cases() []Case {
	dirs, err := fs.Glob(files, "*/truth.json")
	if err != nil {
		panic(err)
	}
	var out []Case
	for _, f := range dirs {
		name := path.Dir(f)
		c, err := load(name)
		if err != nil {
			panic(err)
		}
		out = append(out, c)
	}
	if len(out) != len(runs) {
		panic(fmt.Sprintf("realbugs: %d case directories, %d registered Run functions", len(out), len(runs)))
	}
	slices.SortFunc(out, func(a, b Case) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Lookup returns the case called name.
func Lookup(name string) (Case, error) {
	if _, ok := runs[name]; !ok {
		return Case{}, fmt.Errorf("no case %q", name)
	}
	return load(name)
}

func load(name string) (Case, error) {
	run, ok := runs[name]
	if !ok {
		return Case{}, fmt.Errorf("realbugs: case %s has a truth.json but no Run in registry.go", name)
	}
	data, err := files.ReadFile(name + "/truth.json")
	if err != nil {
		return Case{}, err
	}
	var t Truth
	if err := json.Unmarshal(data, &t); err != nil {
		return Case{}, fmt.Errorf("realbugs: %s/truth.json: %w", name, err)
	}
	if _, ok := Classes[t.Class]; !ok {
		return Case{}, fmt.Errorf("realbugs: %s/truth.json: class %q is not one of Classes", name, t.Class)
	}
	patch, err := files.ReadFile(name + "/fix.patch")
	if err != nil {
		return Case{}, err
	}
	file, _ := runtime.FuncForPC(reflect.ValueOf(run).Pointer()).FileLine(reflect.ValueOf(run).Pointer())
	return Case{Name: name, Dir: filepath.Dir(file), Truth: t, Patch: patch, Run: run}, nil
}

// Abs returns p's path in c's directory.
func (c Case) Abs(p Pos) string { return filepath.Join(c.Dir, p.File) }
