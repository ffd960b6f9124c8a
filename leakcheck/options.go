package leakcheck

import (
	"fmt"
	"os"
	"time"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/reportdir"
)

// DefaultSettleBudget is how long a check waits, by default, for goroutines
// that are still finishing before it calls them leaked. It is about what
// goleak waits in total over its retries, so tests that pass with goleak
// pass here too. Goroutines the runtime proves leaked are reported without
// waiting (Go 1.27, or Go 1.26 with GOEXPERIMENT=goroutineleakprofile).
const DefaultSettleBudget = 450 * time.Millisecond

// Option adjusts a check: what to ignore, how long to wait, where to write
// reports. Pass options to Check, Wrap, VerifyTestMain, VerifyNone and Find;
// the functions of this package that return an Option are the only way to
// make one.
type Option interface {
	apply(*config)
}

// optionFunc is an Option that is a function changing the config. The
// interface keeps config out of the package's documentation and leaves
// room for options that are not functions.
type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// config is the settled form of a list of options.
type config struct {
	filters       []filter
	settle        time.Duration
	reportDir     string
	knownLeaks    string
	onlyProven    bool
	patterns      map[string]bool
	cleanup       func(exitCode int)
	skipOnFailure bool
	noSource      bool
	noReruns      bool
	ignoreInit    bool
	// env is what the process's environment says (environment.go).
	env *environment
	// hook names tests for VerifyTestMain (testmain_hook.go).
	hook testHook
	// look takes the snapshots; tests replace it to simulate failures.
	look looks
	// errs are failures of options that do work when created (IgnoreCurrent);
	// checks report them instead of running with a silently weaker option.
	errs []error
}

// looks are the ways a check looks at the process's goroutines.
type looks struct {
	full func() (*profile.Snapshot, error)
	// proof asks the runtime which goroutines are leaked, in aggregated
	// form (profile.ProveLeaks); the full captures taken afterwards mark
	// them Leaked. gcFirst runs a regular collection before it.
	proof func(gcFirst bool) (*profile.Snapshot, error)
	// ids lists the IDs of the goroutines running now, sorted, appended
	// to its argument[:0].
	ids func([]int64) []int64
	// look takes a traceback whose IDs are read first and which is parsed
	// only when they show a goroutine worth a full capture, sparing the
	// check a second traceback; nil makes the check use ids, then full
	// (tests that fake full set it so).
	look func() *profile.Look
}

// runtimeLooks look at this process through the profile package.
var runtimeLooks = looks{
	full:  profile.Capture,
	proof: profile.ProveLeaks,
	ids:   profile.CaptureIDs,
	look:  profile.TakeLook,
}

// filter is one reason to leave a goroutine out of a check.
type filter struct {
	ignore func(g *profile.Goroutine) bool
}

// newConfig applies opts over the defaults.
func newConfig(opts []Option) *config {
	c := &config{settle: DefaultSettleBudget, look: runtimeLooks}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	if c.env == nil {
		c.env = environmentOnce(os.Stderr)
	}
	if c.hook == nil {
		c.hook = defaultTestHook()
	}
	return c
}

// ignored reports whether g, from a full capture, is left out by a default
// rule or an option.
func (c *config) ignored(g *profile.Goroutine) bool {
	if isMachinery(g) {
		return true
	}
	for _, f := range c.filters {
		if f.ignore(g) {
			return true
		}
	}
	return false
}

// IgnoreTopFunction leaves out goroutines whose innermost function is f,
// fully qualified as the runtime prints it, for example
// "internal/poll.runtime_pollWait" or "example.com/cache.(*Cache).evictLoop".
// The runtime's own frames (runtime.gopark and the like) are skipped when
// looking for the innermost function. Use it for a long-lived goroutine you
// start on purpose and cannot stop.
func IgnoreTopFunction(f string) Option {
	return optionFunc(func(c *config) {
		c.filters = append(c.filters, filter{ignore: func(g *profile.Goroutine) bool {
			top, ok := topFunction(g.Frames)
			return ok && top == f
		}})
	})
}

// IgnoreAnyFunction leaves out goroutines that have f anywhere in their
// stack, fully qualified (methods as "example.com/pkg.(*T).Method"). Use it
// when the goroutine's top changes but one function always runs it.
func IgnoreAnyFunction(f string) Option {
	return optionFunc(func(c *config) {
		c.filters = append(c.filters, filter{ignore: func(g *profile.Goroutine) bool {
			return hasFunction(g.Frames, f)
		}})
	})
}

// IgnoreCreatedBy leaves out goroutines started by a go statement in
// function f, fully qualified, for example "example.com/pool.(*Pool).start".
// Use it for every worker a known component starts.
func IgnoreCreatedBy(f string) Option {
	return optionFunc(func(c *config) {
		c.filters = append(c.filters, filter{ignore: func(g *profile.Goroutine) bool {
			return g.CreatedBy != nil && g.CreatedBy.Func == f
		}})
	})
}

// IgnoreCurrent leaves out every goroutine alive at the moment IgnoreCurrent
// is called. Check never needs it (it only looks at goroutines the test
// started); it is for Find, VerifyNone and VerifyTestMain, when goroutines
// started before the checked code must be tolerated.
func IgnoreCurrent() Option {
	ids := make(map[int64]bool)
	s, err := profile.Capture()
	if err == nil {
		for _, g := range s.Goroutines {
			ids[g.ID] = true
		}
	}
	return optionFunc(func(c *config) {
		if err != nil {
			c.errs = append(c.errs, fmt.Errorf("IgnoreCurrent could not list the goroutines alive when it was called: %w", err))
		}
		c.filters = append(c.filters, filter{ignore: func(g *profile.Goroutine) bool {
			return ids[g.ID]
		}})
	})
}

// IgnoreGoroutine leaves out goroutines for which ignore returns true. It is
// called only with fully captured goroutines (ID, state, labels, frames and
// creator set). Use it when no other option
// says what you mean, for example to match a pprof label of your own.
func IgnoreGoroutine(ignore func(g *profile.Goroutine) bool) Option {
	return optionFunc(func(c *config) {
		if ignore == nil {
			return
		}
		c.filters = append(c.filters, filter{ignore: ignore})
	})
}

// IgnorePattern leaves out goroutines whose diagnosis is one of the given
// patterns of the leakhound catalog, by ID ("LH001"; the report names the
// pattern of each group). Use it to accept a known, harmless kind of leak
// while you fix the others.
func IgnorePattern(ids ...string) Option {
	return optionFunc(func(c *config) {
		if c.patterns == nil {
			c.patterns = make(map[string]bool)
		}
		for _, id := range ids {
			c.patterns[id] = true
		}
	})
}

// SettleBudget sets how long a check waits for goroutines that may still be
// finishing (DefaultSettleBudget unless set). The check polls cheaply with a
// growing interval and stops as soon as none is left, so a longer budget
// costs time only when something does leak. A goroutine the runtime proves
// leaked is reported without waiting for the budget. Zero or less means
// one look, no waiting.
func SettleBudget(d time.Duration) Option {
	return optionFunc(func(c *config) { c.settle = max(d, 0) })
}

// ReportDir makes a check that finds leaks also write report files (HTML,
// JSON and pprof, plus an index.html of all reports) into dir. Setting the
// environment variable LEAKHOUND_REPORT=dir (reportdir.Env) does the same for every check
// without changing code; this option wins over it. A relative path is
// taken from the module root, as the variable's is, so that every package
// of a `go test ./...` run writes into the same directory.
func ReportDir(dir string) Option {
	return optionFunc(func(c *config) { c.reportDir = dir })
}

// KnownLeaks names a baseline file of known leaks, as `leakhound baseline`
// writes it: a check lists the leaks in it without failing and fails only
// on new ones, so a large code base can turn checks on before every
// existing leak is fixed. Report files mark each leak new or known. The
// environment variable LEAKHOUND_BASELINE=file (reportdir.BaselineEnv)
// does the same for every check; this option wins over it. A relative
// path is taken from the module root. A baseline that cannot be read
// makes every leak fail, with a note saying why.
func KnownLeaks(file string) Option {
	return optionFunc(func(c *config) { c.knownLeaks = file })
}

// OnlyProvenLeaks fails a check only for goroutines the runtime's leak
// detector proves leaked: blocked on something no live goroutine can reach.
// Other survivors are still shown, in the test log, without failing. Use it
// to roll leak checking out on a large suite without false alarms.
//
// The proof needs Go 1.27, or Go 1.26 with GOEXPERIMENT=goroutineleakprofile.
// On other runtimes nothing can be proven, so the option has no effect and
// every survivor fails the check, with a note saying so.
func OnlyProvenLeaks() Option {
	return optionFunc(func(c *config) { c.onlyProven = true })
}

// SkipOnTestFailure makes VerifyTestMain skip its leak check when tests
// failed, as goleak does. By default the check runs anyway, since a failing
// test often leaks too and the report helps to explain the failure; the exit
// code is non-zero either way.
func SkipOnTestFailure() Option {
	return optionFunc(func(c *config) { c.skipOnFailure = true })
}

// NoReruns stops VerifyTestMain from running parts of the tests again, in
// copies of the test binary, to name the test or subtest behind a goroutine
// it could only tie to a top-level test, a parent test or no test; the
// environment variable LEAKHOUND_RERUNS=off does the same without changing
// code. Use it when the tests have side effects that must not repeat. The
// report is the same, with names only as close as the first run shows them.
func NoReruns() Option {
	return optionFunc(func(c *config) { c.noReruns = true })
}

// IgnoreInitGoroutines makes VerifyTestMain leave out the goroutines that
// were running before the tests (started by init functions, package-level
// variables or TestMain), as it did before it reported them. goleak's
// VerifyTestMain reports them; so does this one unless told otherwise.
// Prefer an ignore set (IgnoreSets) or IgnoreTopFunction for one library's
// daemon: this leaves out every such goroutine, real leaks included.
func IgnoreInitGoroutines() Option {
	return optionFunc(func(c *config) { c.ignoreInit = true })
}

// NoSource stops reports from reading source files to sharpen their
// diagnosis; they then rest on the stacks alone. Use it when the sources are
// not where the binary was built.
func NoSource() Option {
	return optionFunc(func(c *config) { c.noSource = true })
}

// Cleanup sets a function to run at the end of VerifyTestMain or VerifyNone
// with the exit code: the one VerifyTestMain would exit with, 0 for
// VerifyNone. With VerifyTestMain it replaces the call to os.Exit, so the
// function decides how the process ends. Find refuses it with an error.
func Cleanup(cleanup func(exitCode int)) Option {
	return optionFunc(func(c *config) { c.cleanup = cleanup })
}

// baseline reads the baseline of known leaks the options or the
// environment name; nil when none is named. It is read only when a check
// finds leaks, so clean checks never touch the file.
func (c *config) baseline() (*reportdir.Baseline, error) {
	path := c.env.baseline
	if c.knownLeaks != "" {
		path = reportdir.FromRoot(moduleRoot(), c.knownLeaks)
	}
	if path == "" {
		return nil, nil
	}
	return reportdir.ReadBaseline(path)
}
