package leakcheck

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/settings"
	"github.com/leakhound/leakhound/internal/srcfile"
	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/reportdir"
)

// environment is everything leakcheck takes from the process environment
// (internal/settings lists it, and the README's table of variables shows
// it). It is read once, on the first check of the process, and passed
// down from there as a field of config: no other code of the package, and
// none of the packages it calls, reads the environment. Setting a variable
// after the first check changes nothing; tests of this package give a
// check its own environment with withEnvironment.
type environment struct {
	reportDir   string // where LEAKHOUND_REPORT (or Bazel) puts report files, absolute; "" for none
	baseline    string // LEAKHOUND_BASELINE, absolute; "" for none
	artifact    string // LEAKHOUND_ARTIFACT
	stepSummary string // GITHUB_STEP_SUMMARY
	shard       string // "index/total" from Bazel's shard variables
	annotate    bool   // GITHUB_ACTIONS=true
	workspace   string // GITHUB_WORKSPACE: annotations name files from there
	reruns      string // LEAKHOUND_RERUNS: "off" stops VerifyTestMain's runs of parts of the tests
	probe       string // LEAKHOUND_PROBE: this process is VerifyTestMain's probe run
	// sourceRoots are GOROOT and the module cache (GOMODCACHE, GOPATH):
	// the directories besides the module whose files a report reads.
	sourceRoots []string
	problems    []string
}

// processEnv is the process's environment, read on first use.
var processEnv struct {
	once sync.Once
	env  environment
}

// environmentOnce reads the process's environment the first time it is
// called, printing its problems (bad values, unknown LEAKHOUND_* names)
// once to w, and returns it every time.
func environmentOnce(w io.Writer) *environment {
	processEnv.once.Do(func() {
		processEnv.env = readEnvironment(os.LookupEnv, os.Environ(), moduleRoot())
		for _, p := range processEnv.env.problems {
			fmt.Fprintf(w, "leakcheck: %s\n", p)
		}
	})
	return &processEnv.env
}

// readEnvironment reads the variables through lookup; environ is the
// whole environment, searched for LEAKHOUND_* names leakhound does not
// read. Relative paths are taken from root, the module root
// (reportdir.FromRoot).
func readEnvironment(lookup func(string) (string, bool), environ []string, root string) environment {
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	var e environment
	report, set := lookup(reportdir.Env)
	e.reportDir = reportdir.ResolveDir(report, set, get(reportdir.BazelOutputsEnv), root)
	if b := get(reportdir.BaselineEnv); b != "" {
		e.baseline = reportdir.FromRoot(root, b)
	}
	e.artifact = get(reportdir.ArtifactEnv)
	e.stepSummary = get(reportdir.StepSummaryEnv)
	e.annotate = get("GITHUB_ACTIONS") == "true"
	e.workspace = get("GITHUB_WORKSPACE")
	e.reruns = get(rerunsEnv)
	e.probe = get(probeEnv)
	e.sourceRoots = srcfile.ToolchainDirs(get("GOMODCACHE"), get("GOPATH"))
	shard, err := reportdir.Shard(get(reportdir.ShardIndexEnv), get(reportdir.TotalShardsEnv))
	if err != nil {
		e.problems = append(e.problems, err.Error())
	}
	e.shard = shard
	e.problems = append(e.problems, settings.Unknown(environ)...)
	return e
}

// godebug is the process's GODEBUG as it was before leakcheck's first use,
// read once. Labels are switched on before the first check's configuration
// exists (VerifyTestMain labels the tests before any check runs), so it is
// read apart from environment; it is the runtime's variable, which
// leakcheck only adds tracebacklabels=1 to.
var godebug = sync.OnceValue(func() string { return os.Getenv("GODEBUG") })

// enableTracebackLabels makes the runtime print pprof labels in traceback
// text (profile.EnableTracebackLabels; a user's tracebacklabels setting
// wins) and reports whether it does.
func enableTracebackLabels() bool {
	return profile.EnableTracebackLabels(godebug())
}

// withEnvironment gives a check env instead of the process's environment;
// for tests, which cannot set the process's environment after its first
// check.
func withEnvironment(env environment) Option {
	return optionFunc(func(c *config) { c.env = &env })
}
