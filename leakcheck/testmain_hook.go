package leakcheck

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"sync"
	"testing"
)

// The risk of VerifyTestMain's test naming: the hook into testing
// (testmain_label.go) writes through unsafe into testing.M's unexported
// deps field, copies the method set of testing's private testDeps
// interface and the layout of its corpusEntry, reads testing.M's
// unexported test lists, adds an alternative to -test.skip, and
// recognises testing's top-level loops by their frame names. Any Go
// release may change those. So the hook is reached through testHook
// alone; testing's shape is checked once per process (testingShape)
// against everything the hook relies on; when it does not match,
// VerifyTestMain still checks every goroutine but says once, in its
// output, that tests are named by their stacks only, on which Go, and how
// to get the names back. TestTestingHookAttaches fails on any runtime the
// hook cannot attach to, and the test command runs it on every supported
// Go release.
//
// When a Go release labels test goroutines itself (golang/go#75047),
// nativeTestLabel reports its label, VerifyTestMain skips the hook, and
// the attribution reads that label where it reads LabelKey.

// testHook is how VerifyTestMain names the top-level test behind each
// goroutine: attach prepares m, which then runs its tests. It returns the
// runs' record (nil when there is nothing to record, as for a TestingM
// that is not a *testing.M), or an error saying why it cannot attach, in
// which case it changed nothing.
type testHook interface {
	attach(m TestingM) (*testRuns, error)
}

// testingHook is the hook into testing's internals.
type testingHook struct{}

func (testingHook) attach(m TestingM) (*testRuns, error) {
	if err := testingShape(); err != nil {
		return nil, err
	}
	return installTestNaming(m)
}

// nativeHook is the runtime's own test labels: nothing to attach.
type nativeHook struct{ key string }

func (nativeHook) attach(TestingM) (*testRuns, error) { return nil, nil }

// defaultTestHook is the hook VerifyTestMain uses: the runtime's labels
// where the running Go has them, else the hook into testing.
func defaultTestHook() testHook {
	if key, ok := nativeTestLabel(); ok {
		return nativeHook{key: key}
	}
	return testingHook{}
}

// nativeTestLabel returns the label the testing package puts on test
// goroutines itself, when the running Go does. No release does yet; when
// one does, this names its key from that release on, and attribute.go
// reads it as it reads LabelKey.
func nativeTestLabel() (key string, ok bool) { return "", false }

// testingShape checks, once per process, that testing has the shape the
// hook relies on; nil when it does.
var testingShape = sync.OnceValue(func() error { return checkShape(reflect.TypeFor[testing.M](), flag.Lookup) })

// checkShape checks the type m (testing.M) and the flags lookup finds
// against everything installTestNaming and collectNames use.
func checkShape(m reflect.Type, lookup func(string) *flag.Flag) error {
	deps, ok := m.FieldByName("deps")
	if !ok || deps.Type.Kind() != reflect.Interface {
		return errors.New("testing.M has no deps interface")
	}
	ours := reflect.TypeFor[testDepsAPI]()
	if deps.Type.NumMethod() != ours.NumMethod() {
		return fmt.Errorf("testing's testDeps has %d methods, leakcheck knows %d", deps.Type.NumMethod(), ours.NumMethod())
	}
	for i := range ours.NumMethod() {
		want := ours.Method(i)
		got, ok := deps.Type.MethodByName(want.Name)
		if !ok || got.Type != want.Type {
			return fmt.Errorf("testing's testDeps.%s is not the one leakcheck knows", want.Name)
		}
	}
	for name, typ := range map[string]reflect.Type{
		"tests":       reflect.TypeFor[[]testing.InternalTest](),
		"benchmarks":  reflect.TypeFor[[]testing.InternalBenchmark](),
		"fuzzTargets": reflect.TypeFor[[]testing.InternalFuzzTarget](),
		"examples":    reflect.TypeFor[[]testing.InternalExample](),
	} {
		if f, ok := m.FieldByName(name); !ok || f.Type != typ {
			return fmt.Errorf("testing.M.%s is not a %v", name, typ)
		}
	}
	if lookup("test.skip") == nil {
		return errors.New("testing has no -test.skip flag")
	}
	return nil
}

// warnNoHook says, in one line, that the hook could not attach: what is
// lost, on which Go, and how to get it back.
func warnNoHook(w io.Writer, err error) {
	fmt.Fprintf(w, "leakcheck: VerifyTestMain cannot name the test behind each goroutine on %s (%v): a leak whose creator has exited is named from its stacks only, maybe not at all; call leakcheck.Check(t) in such tests, or use a leakhound release that supports %s\n",
		runtime.Version(), err, runtime.Version())
}

// withTestHook makes VerifyTestMain name tests through h; for tests.
func withTestHook(h testHook) Option {
	return optionFunc(func(c *config) { c.hook = h })
}
