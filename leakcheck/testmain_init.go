package leakcheck

import (
	"fmt"
	"io"

	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/report"
)

// Goroutines started before the tests.
//
// A goroutine running before m.Run was started by an init function, the
// initialiser of a package-level variable, or TestMain; none of the tests
// started it. goleak's VerifyTestMain fails the package for those still
// running at exit, and so does VerifyTestMain, in a section of its own
// that says no test started them. Many are real leaks (a package-level
// worker nobody can stop); some are well-known library daemons, which an
// ignore set (IgnoreSets) leaves out; IgnoreInitGoroutines leaves them all
// out, as VerifyTestMain did before.

// splitInit sets apart the leaks whose goroutine ran before the tests.
func splitInit(leaks []report.Leak, before map[int64]bool) (tests, init []report.Leak) {
	for _, l := range leaks {
		if l.Goroutine.ID != 0 && before[l.Goroutine.ID] {
			l.Test, l.Attribution = "", ""
			init = append(init, l)
			continue
		}
		tests = append(tests, l)
	}
	return tests, init
}

// initTitle is the title of the section of goroutines started before the
// tests.
const initTitle = "started during package initialisation, not by a test"

// reportInit writes the section of goroutines started before the tests to
// w, and reports whether they fail the package.
func reportInit(cfg *config, pkg string, v verdict, w io.Writer) bool {
	if len(v.leaks) == 0 {
		return false
	}
	out := judge(cfg, v, report.Options{Title: initTitle, Package: pkg, ModuleRoot: moduleRoot(), NoSource: cfg.noSource})
	fail := deliver(cfg, pkg, out, writerAudience{w}, intros{
		noted: "goroutines " + initTitle + ", still running, not failing because of OnlyProvenLeaks:",
		known: "goroutines " + initTitle + ", all known leaks in the baseline, not failing:",
	})
	if fail == nil {
		return false
	}
	fmt.Fprintf(w, "leakcheck: %s %s (by an init function, a package-level variable or TestMain) still running after the tests; "+
		"goleak's VerifyTestMain fails for them too:\n%s\n"+
		"leakcheck: give such a goroutine a way to stop (a Close method, a context) and stop it in TestMain after m.Run, or start it on first use; "+
		"for a library's daemon you cannot stop, pass IgnoreTopFunction or an ignore set (IgnoreSets); IgnoreInitGoroutines leaves all of them out.\n",
		words.Plural(fail.Total, "goroutine"), initTitle, reportText(fail))
	return true
}
