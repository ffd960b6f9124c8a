//lint:file-ignore U1000 the simulated testing.M shapes are read through reflect alone

package leakcheck

import (
	"flag"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// TestTestingHookAttaches fails on a runtime whose testing package the hook
// into testing cannot attach to: VerifyTestMain would then name tests from
// stacks only. The test command runs it on every supported Go release.
func TestTestingHookAttaches(t *testing.T) {
	if _, native := nativeTestLabel(); native {
		t.Skip("this Go labels test goroutines itself; the hook is not used")
	}
	if err := testingShape(); err != nil {
		t.Fatalf("the hook into testing cannot attach on %s: %v", runtime.Version(), err)
	}
}

// Shapes testing might change to: each lacks or alters one thing the hook
// relies on.
type (
	noDeps          struct{ tests []testing.InternalTest }
	depsNotAnIface  struct{ deps int }
	depsOtherMethod struct {
		deps interface{ MatchString(string) bool }
	}
	testsOtherType struct {
		deps        testDepsAPI
		tests       []string
		benchmarks  []testing.InternalBenchmark
		fuzzTargets []testing.InternalFuzzTarget
		examples    []testing.InternalExample
	}
	sameShape struct {
		deps        testDepsAPI
		tests       []testing.InternalTest
		benchmarks  []testing.InternalBenchmark
		fuzzTargets []testing.InternalFuzzTarget
		examples    []testing.InternalExample
	}
)

func TestCheckShape(t *testing.T) {
	noFlag := func(string) *flag.Flag { return nil }
	tests := []struct {
		name   string
		m      reflect.Type
		lookup func(string) *flag.Flag
		want   string // "" for no error
	}{
		{"testing.M", reflect.TypeFor[testing.M](), flag.Lookup, ""},
		{"the same shape", reflect.TypeFor[sameShape](), flag.Lookup, ""},
		{"no deps", reflect.TypeFor[noDeps](), flag.Lookup, "no deps interface"},
		{"deps not an interface", reflect.TypeFor[depsNotAnIface](), flag.Lookup, "no deps interface"},
		{"a testDeps of other methods", reflect.TypeFor[depsOtherMethod](), flag.Lookup, "testDeps has 1 methods"},
		{"a test list of another type", reflect.TypeFor[testsOtherType](), flag.Lookup, "testing.M.tests is not"},
		{"no -test.skip", reflect.TypeFor[sameShape](), noFlag, "no -test.skip flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkShape(tt.m, tt.lookup)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("want no error, got %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("want an error saying %q, got %v", tt.want, err)
			}
		})
	}
}

// shapeHook is the hook into testing as it would run on a testing package
// of shape m.
type shapeHook struct{ m reflect.Type }

func (h shapeHook) attach(m TestingM) (*testRuns, error) {
	if err := checkShape(h.m, flag.Lookup); err != nil {
		return nil, err
	}
	return installTestNaming(m)
}

// runsTests is a TestingM whose tests pass.
type runsTests struct{}

func (runsTests) Run() int { return 0 }

// TestVerifyTestMainSaysWhenTheHookCannotAttach: on a testing package of
// another shape, VerifyTestMain says so in one line (what is lost, which
// Go, how to get it back) and still checks; on this one it says nothing.
func TestVerifyTestMainSaysWhenTheHookCannotAttach(t *testing.T) {
	for _, tt := range []struct {
		name  string
		shape reflect.Type
		warns bool
	}{
		{"testing as it is", reflect.TypeFor[testing.M](), false},
		{"testing changed", reflect.TypeFor[depsOtherMethod](), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			cfg := newConfig([]Option{IgnoreCurrent(), SettleBudget(0), withTestHook(shapeHook{tt.shape})})
			if code := verifyMain(runsTests{}, cfg, "example.com/pkg", &out); code != 0 {
				t.Fatalf("exit code %d, want 0 (nothing leaked); output:\n%s", code, out.String())
			}
			var warnings []string
			for _, l := range strings.Split(out.String(), "\n") {
				if strings.Contains(l, "cannot name the test") {
					warnings = append(warnings, l)
				}
			}
			if !tt.warns {
				if len(warnings) > 0 {
					t.Fatalf("warned on an attachable testing package: %q", warnings)
				}
				return
			}
			if len(warnings) != 1 {
				t.Fatalf("want one warning line, got %d; output:\n%s", len(warnings), out.String())
			}
			for _, want := range []string{runtime.Version(), "testDeps", "named from its stacks only", "leakcheck.Check(t)"} {
				if !strings.Contains(warnings[0], want) {
					t.Errorf("the warning does not say %q: %s", want, warnings[0])
				}
			}
		})
	}
}
