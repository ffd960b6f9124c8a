package leakcheck

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/profile"
)

// Ignore sets: goroutines well-known libraries start on purpose and keep
// for the life of the process, typically from an init function, which
// VerifyTestMain reports as started during package initialisation. Users of
// goleak copy IgnoreTopFunction lines for them from issue trackers; here a
// library's entries live in one named set, each saying what it is, why it
// is harmless, and the module version it was checked against. No set is on
// unless named.
//
// A library publishes its own set as a function returning an IgnoreSet,
// for example in a small package next to it (example.com/lib/leakignore),
// so its users write leakcheck.IgnoreSets(leakignore.Set()) and pick up new
// entries with new versions of the library.

// IgnoreSet is a named list of a library's background goroutines.
type IgnoreSet struct {
	// Name identifies the set, as IgnoreKnown takes it: "opencensus".
	Name    string
	Entries []IgnoreEntry
}

// IgnoreEntry is one background goroutine of a library.
type IgnoreEntry struct {
	// Module is the module that starts it: "go.opencensus.io".
	Module string
	// Function is a function on its stack, or the one whose go statement
	// started it, fully qualified as the runtime prints it.
	Function string
	// Why says why it is harmless to leave running.
	Why string
	// Version is the module version the entry was checked against.
	Version string
}

// knownIgnoreSets is the catalogue IgnoreKnown names from.
func knownIgnoreSets() []IgnoreSet {
	return []IgnoreSet{
		{Name: "opencensus", Entries: []IgnoreEntry{{
			Module:   "go.opencensus.io",
			Function: "go.opencensus.io/stats/view.(*worker).start",
			Why:      "the stats/view package's init starts one worker that aggregates recorded measurements for the life of the process; nothing in the package's API stops the default worker",
			Version:  "v0.24.0",
		}}},
		{Name: "glog", Entries: []IgnoreEntry{
			{
				Module:   "github.com/golang/glog",
				Function: "github.com/golang/glog.(*fileSink).flushDaemon",
				Why:      "the package's init starts one goroutine that flushes the log files' buffers periodically, by design for the life of the process",
				Version:  "v1.2.5",
			},
			{
				Module:   "github.com/golang/glog",
				Function: "github.com/golang/glog.(*loggingT).flushDaemon",
				Why:      "the same flush daemon before v1.1.0, started by the package's init",
				Version:  "v1.0.0",
			},
		}},
		{Name: "klog", Entries: []IgnoreEntry{
			{
				Module:   "k8s.io/klog/v2",
				Function: "k8s.io/klog/v2.(*flushDaemon).run.func1",
				Why:      "one goroutine that flushes buffered log output periodically, started when logging to files is set up or by StartFlushDaemon; klog.StopFlushDaemon stops it, which few test binaries call",
				Version:  "v2.140.0",
			},
			{
				Module:   "k8s.io/klog",
				Function: "k8s.io/klog.(*loggingT).flushDaemon",
				Why:      "klog v1's flush daemon, started by the package's init for the life of the process",
				Version:  "v1.0.0",
			},
		}},
	}
}

// KnownIgnoreSets returns the ignore sets leakhound ships, for reading
// (what each entry leaves out and why); IgnoreKnown turns them on by name.
func KnownIgnoreSets() []IgnoreSet {
	return knownIgnoreSets()
}

// IgnoreKnown leaves out the background goroutines of the shipped ignore
// sets named, such as "opencensus", "glog" or "klog" (KnownIgnoreSets lists
// them). A name that is not a shipped set is an error the check reports.
func IgnoreKnown(names ...string) Option {
	known := knownIgnoreSets()
	var sets []IgnoreSet
	var unknown []string
	for _, n := range names {
		i := slices.IndexFunc(known, func(s IgnoreSet) bool { return s.Name == n })
		if i < 0 {
			unknown = append(unknown, n)
			continue
		}
		sets = append(sets, known[i])
	}
	return optionFunc(func(c *config) {
		if len(unknown) > 0 {
			var all []string
			for _, s := range known {
				all = append(all, s.Name)
			}
			c.errs = append(c.errs, fmt.Errorf("IgnoreKnown: no ignore set named %s; the shipped sets are %s", strings.Join(unknown, ", "), strings.Join(all, ", ")))
		}
		IgnoreSets(sets...).apply(c)
	})
}

// IgnoreSets leaves out the goroutines of the given sets: each entry's
// Function anywhere on a goroutine's stack, or as the function whose go
// statement started it. Use it with the sets libraries publish.
func IgnoreSets(sets ...IgnoreSet) Option {
	funcs := make(map[string]bool)
	for _, s := range sets {
		for _, e := range s.Entries {
			if e.Function != "" {
				funcs[e.Function] = true
			}
		}
	}
	return optionFunc(func(c *config) {
		if len(funcs) == 0 {
			return
		}
		c.filters = append(c.filters, filter{ignore: func(g *profile.Goroutine) bool {
			if g.CreatedBy != nil && funcs[g.CreatedBy.Func] {
				return true
			}
			for _, f := range g.Frames {
				if funcs[f.Func] {
					return true
				}
			}
			return false
		}})
	})
}
