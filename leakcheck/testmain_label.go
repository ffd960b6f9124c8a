package leakcheck

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"reflect"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"
)

// How VerifyTestMain names the test behind a goroutine whose creator has
// exited, with no GODEBUG and no Check in the tests.
//
// The testing package starts every top-level test from the goroutine that
// runs m.Run, with a go statement, so the test's goroutine inherits that
// goroutine's pprof labels, and hands them down to every goroutine started
// from there, at any depth, whoever wrote the go statement (a helper that
// returned, a constructor starting its worker through sync.WaitGroup.Go or
// errgroup, a library). Setting a LabelKey label on the m.Run goroutine
// just before each test starts therefore names the top-level test of every
// goroutine it leaves, exactly, under t.Parallel and -shuffle too.
//
// The one call testing makes on that goroutine just before starting a test
// is the name match against -test.run and -test.skip: t.Run asks
// m.deps.MatchString whether the name matches. VerifyTestMain puts its own
// testDeps in front of m's (the unexported interface's methods are all
// exported names, and the replacement is only installed when its type
// implements the field's interface), and adds to -test.skip an alternative
// that partly matches every name, so that MatchString is called for every
// test without skipping any. Wrapping each test function instead would have
// put a frame of leakhound's between testing.tRunner and the test, which
// breaks tests that count stack frames (a logging library's caller-skip
// tests do).
//
// When the testing package changes shape, the naming turns itself off,
// VerifyTestMain says so, and the process-wide check still runs; the test
// is then named by the go statement or the creators' stacks
// (testmain_hook.go).

// skipProbe is the -test.skip element VerifyTestMain adds: it matches every
// name element, and MatchString recognises it without compiling it.
const skipProbe = "(?:leakhound-names-tests)?"

// skipLevels is how many levels of test names skipProbe spans; a name with
// fewer levels only partly matches the alternative, which never skips it.
const skipLevels = 32

// testRuns labels the goroutine running m.Run before each top-level test
// starts, and notes which tests ran subtests.
type testRuns struct {
	base map[string]string // its labels before the tests
	// baseCtx carries base, for adding a test's label to it.
	baseCtx context.Context
	// places keeps startsTopLevel's answer by the return addresses it read.
	places sync.Map
	names  map[string]bool // the top-level names of tests, benchmarks, fuzz targets and examples
	mu     sync.Mutex
	subs   map[string]bool // top-level test → ran subtests in some run
	ran    map[string]bool // the top-level tests that started
}

// testDepsAPI is testing's testDeps interface, method for method.
type testDepsAPI interface {
	ImportPath() string
	ModulePath() string
	MatchString(pat, str string) (bool, error)
	SetPanicOnExit0(bool)
	StartCPUProfile(io.Writer) error
	StopCPUProfile()
	StartTestLog(io.Writer)
	StopTestLog() error
	WriteProfileTo(string, io.Writer, int) error
	CoordinateFuzzing(time.Duration, int64, time.Duration, int64, int, []corpusEntry, []reflect.Type, string, string) error
	RunFuzzWorker(func(corpusEntry) error) error
	ReadCorpus(string, []reflect.Type) ([]corpusEntry, error)
	CheckCorpus([]any, []reflect.Type) error
	ResetCoverage()
	SnapshotCoverage()
	InitRuntimeCoverage() (mode string, tearDown func(coverprofile string, gocoverdir string) (string, error), snapcov func() float64)
}

// corpusEntry is testing's corpusEntry, an alias of this struct.
type corpusEntry = struct {
	Parent     string
	Path       string
	Data       []byte
	Values     []any
	Generation int
	IsSeed     bool
}

// namingDeps is testing's testDeps with the name match intercepted.
type namingDeps struct {
	testDepsAPI
	runs *testRuns
}

func (d namingDeps) MatchString(pat, str string) (bool, error) {
	if pat == skipProbe {
		d.runs.matched(str)
		return true, nil
	}
	return d.testDepsAPI.MatchString(pat, str)
}

// installTestNaming sets m up so that each top-level test's goroutine
// carries a label naming it. It must run on the goroutine that then calls
// m.Run; it returns nil, changing nothing, when m is not a *testing.M (a
// fake of tests), and an error, changing nothing, when m is not of the
// expected shape or the flags cannot be set.
func installTestNaming(m TestingM) (*testRuns, error) {
	tm, ok := m.(*testing.M)
	if !ok || tm == nil {
		return nil, nil
	}
	v := reflect.ValueOf(tm).Elem()
	depsField := v.FieldByName("deps")
	if !depsField.IsValid() || depsField.Kind() != reflect.Interface || !depsField.CanAddr() {
		return nil, errors.New("testing.M has no deps interface")
	}
	if depsField.IsNil() {
		return nil, errors.New("testing.M has no testDeps")
	}
	// The field is unexported, so reflect will not hand out its value;
	// reading it through its address does.
	exported := reflect.NewAt(depsField.Type(), unsafe.Pointer(depsField.UnsafeAddr())).Elem()
	inner, ok := exported.Interface().(testDepsAPI)
	if !ok {
		return nil, errors.New("testing's testDeps is not the one leakcheck knows")
	}
	r := &testRuns{base: ownLabels(), names: make(map[string]bool), subs: make(map[string]bool), ran: make(map[string]bool)}
	r.baseCtx = labelContext(r.base)
	hook := reflect.ValueOf(namingDeps{testDepsAPI: inner, runs: r})
	if !hook.Type().Implements(depsField.Type()) {
		return nil, errors.New("leakcheck's testDeps does not implement testing's")
	}
	if !r.collectNames(v) {
		return nil, errors.New("testing.M has no test list")
	}
	// testing parses its flags in m.Run when TestMain has not; parsing
	// them here first is the same parse.
	if !flag.Parsed() {
		flag.Parse()
	}
	skip := flag.Lookup("test.skip")
	if skip == nil {
		return nil, errors.New("testing has no -test.skip flag")
	}
	probe := strings.Repeat(skipProbe+"/", skipLevels-1) + skipProbe
	value := probe
	if user := skip.Value.String(); user != "" {
		// The user's alternatives come first: a name they match is still
		// skipped, and the others reach the probe.
		value = user + "|" + probe
	}
	if err := skip.Value.Set(value); err != nil {
		return nil, fmt.Errorf("setting -test.skip: %w", err)
	}
	exported.Set(hook)
	return r, nil
}

// collectNames reads the top-level names m can run.
func (r *testRuns) collectNames(v reflect.Value) bool {
	tests, ok := fieldPtr[[]testing.InternalTest](v, "tests")
	if !ok {
		return false
	}
	for _, t := range *tests {
		r.names[t.Name] = true
	}
	if bs, ok := fieldPtr[[]testing.InternalBenchmark](v, "benchmarks"); ok {
		for _, b := range *bs {
			r.names[b.Name] = true
		}
	}
	if fs, ok := fieldPtr[[]testing.InternalFuzzTarget](v, "fuzzTargets"); ok {
		for _, f := range *fs {
			r.names[f.Name] = true
		}
	}
	if es, ok := fieldPtr[[]testing.InternalExample](v, "examples"); ok {
		for _, e := range *es {
			r.names[e.Name] = true
		}
	}
	return true
}

// matched is told each name element testing matches. A top-level name
// matched by testing's own loop over the tests (or examples, benchmarks,
// fuzz targets) means that test is about to start from the calling
// goroutine, which is labelled for it; matched by user code calling t.Run,
// it is the first element of a subtest's name.
func (r *testRuns) matched(name string) {
	if !r.names[name] {
		return
	}
	if r.startsTopLevel() {
		pprof.SetGoroutineLabels(pprof.WithLabels(r.baseCtx, pprof.Labels(LabelKey, newLabelValue(name))))
		r.mu.Lock()
		r.ran[name] = true
		r.mu.Unlock()
		return
	}
	r.mu.Lock()
	r.subs[name] = true
	r.mu.Unlock()
}

// ownPackage is this package's import path, as frames spell it.
const ownPackage = "github.com/leakhound/leakhound/leakcheck"

// topLevelRunners are the testing functions that start top-level tests,
// examples, benchmarks and fuzz targets, as prefixes of their names (their
// loops are closures inside them).
var topLevelRunners = []string{"testing.runTests", "testing.runExamples", "testing.runBenchmarks", "testing.runFuzzTests", "testing.runFuzzing"}

// startsTopLevel reports whether the name match under way was asked for by
// one of testing's top-level loops rather than by user code calling t.Run.
// It reads the caller's frames; the answer depends only on the return
// addresses, which repeat for every test started from the same place, so
// it is kept by them and the frames are named once per place.
func (r *testRuns) startsTopLevel() bool {
	var key [callerDepth]uintptr
	runtime.Callers(2, key[:])
	if v, ok := r.places.Load(key); ok {
		return v.(bool)
	}
	top := topLevelFrames(key[:])
	r.places.Store(key, top)
	return top
}

// callerDepth is how many return addresses startsTopLevel reads: enough to
// pass this package's frames, the matcher's and t.Run, and reach the
// function that called t.Run.
const callerDepth = 12

// topLevelFrames decides startsTopLevel from the return addresses.
func topLevelFrames(pcs []uintptr) bool {
	frames := runtime.CallersFrames(pcs)
	afterRun := false
	for {
		f, more := frames.Next()
		fn := f.Function
		switch {
		case strings.HasPrefix(fn, ownPackage+"."):
			// The frames that led here from MatchString.
		case strings.HasPrefix(fn, "testing.simpleMatch.") || strings.HasPrefix(fn, "testing.alternationMatch.") ||
			strings.HasPrefix(fn, "testing.(*matcher)."):
			// The matcher's own frames.
		case !afterRun && (fn == "testing.(*T).Run" || fn == "testing.(*B).Run"):
			afterRun = true
		default:
			for _, p := range topLevelRunners {
				if strings.HasPrefix(fn, p) {
					return true
				}
			}
			return false
		}
		if !more {
			return false
		}
	}
}

// done gives the m.Run goroutine back the labels it had before the tests.
func (r *testRuns) done() {
	if r != nil {
		setLabels(r.base)
	}
}

// hadSubtests reports whether the top-level test ran subtests.
func (r *testRuns) hadSubtests(name string) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.subs[name]
}

// ranTopLevel returns the top-level tests that started, sorted.
func (r *testRuns) ranTopLevel() []string {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(maps.Keys(r.ran))
}

// fieldPtr returns a pointer to the unexported field name of the struct v
// when it has type T.
func fieldPtr[T any](v reflect.Value, name string) (*T, bool) {
	f := v.FieldByName(name)
	if !f.IsValid() || f.Type() != reflect.TypeFor[T]() || !f.CanAddr() {
		return nil, false
	}
	return (*T)(unsafe.Pointer(f.UnsafeAddr())), true
}

// labelContext returns a context carrying the labels.
func labelContext(labels map[string]string) context.Context {
	kv := make([]string, 0, 2*len(labels))
	for k, v := range labels {
		kv = append(kv, k, v)
	}
	return pprof.WithLabels(context.Background(), pprof.Labels(kv...))
}
