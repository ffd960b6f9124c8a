package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// The go test scenarios write a tiny module to a temporary directory and
// run go test on it: a test that blocks until -timeout fires, and a
// synctest bubble that deadlocks. The tests record their goroutines the
// same way rec does and save them to truthFile in the module's directory,
// where go test runs them.

// truthFile is the file, in the module's directory, that the tests save
// their goroutines to (testRecorder's save names it too).
const truthFile = "truth.json"

const testRecorder = `package gendumptest

import (
	"encoding/json"
	"os"
	"runtime"
	"strconv"
	"strings"
)

type frame struct {
	Func string ` + "`json:\"func\"`" + `
	File string ` + "`json:\"file\"`" + `
	Line int    ` + "`json:\"line\"`" + `
}

type g struct {
	ID          int64   ` + "`json:\"id\"`" + `
	Name        string  ` + "`json:\"name\"`" + `
	State       string  ` + "`json:\"state,omitempty\"`" + `
	CreatedBy   string  ` + "`json:\"createdBy,omitempty\"`" + `
	CreatedLine int     ` + "`json:\"createdLine,omitempty\"`" + `
	ParentID    int64   ` + "`json:\"parentId,omitempty\"`" + `
	Durable     bool    ` + "`json:\"durable,omitempty\"`" + `
	InBubble    bool    ` + "`json:\"inBubble,omitempty\"`" + `
	Frames      []frame ` + "`json:\"frames,omitempty\"`" + `
}

func id() int64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	s := strings.TrimPrefix(string(buf), "goroutine ")
	n, _ := strconv.ParseInt(s[:strings.IndexByte(s, ' ')], 10, 64)
	return n
}

// created records the go statement on the next line.
func (r *g) created() {
	pc, _, line, _ := runtime.Caller(1)
	r.CreatedBy = runtime.FuncForPC(pc).Name()
	r.CreatedLine = line + 1
	r.ParentID = id()
}

// mark records the goroutine, its blocking statement being on the next line.
func (r *g) mark(ready chan<- *g) {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	for {
		f, more := frames.Next()
		if f.Function == "runtime.goexit" || f.Function == "" {
			break
		}
		r.Frames = append(r.Frames, frame{f.Function, f.File, f.Line})
		if !more {
			break
		}
	}
	r.Frames[0].Line++
	r.ID = id()
	ready <- r
}

func save(gs ...*g) {
	b, _ := json.Marshal(gs)
	os.WriteFile("truth.json", b, 0o644) // truthFile, in the package's directory
}
`

const timeoutTest = `package gendumptest

import "testing"

func TestBlocksForever(t *testing.T) {
	ready := make(chan *g, 2)
	go func() { save(<-ready, <-ready) }()
	ch := make(chan int)
	w := &g{Name: "worker", State: "chan receive"}
	w.created()
	go func() {
		w.mark(ready)
		<-ch
	}()
	self := &g{Name: "test", State: "chan receive"}
	self.mark(ready)
	<-ch
}
`

const synctestTest = `package gendumptest

import (
	"testing"
	"testing/synctest"
)

func TestBubbleDeadlock(t *testing.T) {
	ready := make(chan *g, 2)
	saved := make(chan struct{})
	go func() {
		save(<-ready, <-ready)
		close(saved)
	}()
	synctest.Test(t, func(t *testing.T) {
		ch := make(chan int)
		a := &g{Name: "bubble-receive", State: "chan receive", Durable: true, InBubble: true}
		a.created()
		go func() {
			a.mark(ready)
			<-ch
		}()
		b := &g{Name: "bubble-select", State: "select", Durable: true, InBubble: true}
		b.created()
		go func() {
			other := make(chan int)
			b.mark(ready)
			select {
			case <-ch:
			case <-other:
			}
		}()
		<-saved
		<-ch
	})
}
`

// writeTestModule writes a module holding the recorder and one test file.
func writeTestModule(test string) (string, error) {
	dir, err := os.MkdirTemp("", "gendumptest")
	if err != nil {
		return "", err
	}
	files := map[string]string{
		"go.mod":      "module gendumptest\n\ngo 1.26\n",
		"rec_test.go": testRecorder,
		"x_test.go":   test,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// goTest runs go test with args in mod, expecting it to fail, and returns
// its output and the goroutines the test recorded.
func goTest(mod string, args ...string) ([]byte, []*GoroutineTruth, error) {
	truthPath := filepath.Join(mod, truthFile)
	os.Remove(truthPath)
	cmd := exec.Command("go", append([]string{"test", "-count=1"}, args...)...)
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err == nil {
		return nil, nil, fmt.Errorf("go test %v passed; it was meant to fail: %s", args, out)
	}
	b, rerr := os.ReadFile(truthPath)
	if rerr != nil {
		return nil, nil, fmt.Errorf("the test saved no truth (%w); its output: %s", rerr, out)
	}
	var gs []*GoroutineTruth
	if err := json.Unmarshal(b, &gs); err != nil {
		return nil, nil, err
	}
	return out, gs, nil
}

func runTimeoutScenario(dir string) error {
	mod, err := writeTestModule(timeoutTest)
	if err != nil {
		return err
	}
	defer os.RemoveAll(mod)
	for _, c := range []struct {
		dump, format string
		json         bool
	}{
		{"timeout.txt", "stack", false},
		{"timeout.json", "go-test-json", true},
	} {
		args := []string{"-timeout=2s"}
		if c.json {
			args = append(args, "-json")
		}
		out, gs, err := goTest(mod, args...)
		if err != nil {
			return err
		}
		if err := writeDump(dir, c.dump, out); err != nil {
			return err
		}
		t := &Truth{Scenario: "timeout", Dump: c.dump, Format: c.format, Goroutines: gs,
			Text: []string{"panic: test timed out after 2s", "running tests:", "TestBlocksForever"}}
		if err := writeTruth(dir, t); err != nil {
			return err
		}
	}
	return nil
}

func runSynctestScenario(dir string) error {
	mod, err := writeTestModule(synctestTest)
	if err != nil {
		return err
	}
	defer os.RemoveAll(mod)
	out, gs, err := goTest(mod, "-timeout=60s")
	if err != nil {
		return err
	}
	const dump = "synctest.txt"
	if err := writeDump(dir, dump, out); err != nil {
		return err
	}
	return writeTruth(dir, &Truth{Scenario: "synctest", Dump: dump, Format: "stack", Goroutines: gs,
		Text: []string{"panic: deadlock: all goroutines in bubble are blocked"}})
}
