// Package settings is the one list of the environment variables leakhound
// honours: what each means, its default and who reads it. The entry points
// read the variables themselves, once (leakcheck on the first check of a
// process, the leakhound command as it parses its flags), and pass the
// values down as options and arguments; no other package reads the
// environment. What this package derives from the list: the warning for a
// LEAKHOUND_* name that is not on it, with the nearest name that is, and
// the README's table (TestREADMETable keeps the two the same).
package settings

import (
	"fmt"
	"strings"
)

// Var is one environment variable leakhound honours.
type Var struct {
	Name    string
	Meaning string
	Default string
	ReadBy  string
}

// Vars are the variables a user may set or a CI system sets, in the order
// the README lists them.
var Vars = []Var{
	{"LEAKHOUND_REPORT", "a directory: every check that finds leaks writes report files there (HTML, JSON, pprof) and rebuilds its index.html; set but blank, no files", "unset: no files (under `bazel test`, Bazel's outputs directory)", "leakcheck"},
	{"LEAKHOUND_BASELINE", "a baseline file of known leaks (`leakhound baseline` writes it): checks list those leaks without failing", "none", "leakcheck; `leakhound merge` (`-known`)"},
	{"LEAKHOUND_ARTIFACT", "the name the report directory is uploaded as, for the step summary to point to", "none", "leakcheck; `leakhound merge` (`-artifact`)"},
	{"GITHUB_STEP_SUMMARY", "the job summary file: each package with leaks puts its summary there, once", "set by GitHub Actions", "leakcheck; `leakhound merge` (`-summary`)"},
	{"GITHUB_ACTIONS", "`true`: checks also print each leak as an annotation on its line", "set by GitHub Actions", "leakcheck"},
	{"GITHUB_WORKSPACE", "the repository's checkout: annotations name files relative to it, so they point at the right file when the module is in a subdirectory", "set by GitHub Actions; unset: relative to the module", "leakcheck"},
	{"LEAKHOUND_RERUNS", "`off`: VerifyTestMain does not run parts of the tests again to name the subtest, or the test behind a goroutine no label ties to one (as the NoReruns option)", "on", "leakcheck"},
	{"TEST_UNDECLARED_OUTPUTS_DIR", "Bazel's outputs directory: reports go to its `leakhound/` when LEAKHOUND_REPORT is not set", "set by `bazel test`", "leakcheck"},
	{"TEST_SHARD_INDEX", "with TEST_TOTAL_SHARDS, the shard of a split test this process is, recorded in its reports for `leakhound merge`", "set by `bazel test` with shard_count", "leakcheck"},
	{"TEST_TOTAL_SHARDS", "see TEST_SHARD_INDEX", "set by `bazel test` with shard_count", "leakcheck"},
	{"GOMODCACHE", "the module cache: one of the directories the explanation reads dependencies' source from", "GOPATH's pkg/mod", "leakcheck; `leakhound report`"},
	{"GOPATH", "where the module cache is when GOMODCACHE is not set (its first entry's pkg/mod)", "~/go", "leakcheck; `leakhound report`"},
	{"GODEBUG", "leakcheck adds `tracebacklabels=1` unless `tracebacklabels` is set, so that tracebacks carry the test labels", "the runtime's", "leakcheck (passed to profile.EnableTracebackLabels)"},
}

// Internal are LEAKHOUND_* variables no user sets: leakcheck's own child
// processes and leakhound's tests use them. They are never warned about.
var Internal = []string{
	"LEAKHOUND_PROBE",                  // VerifyTestMain's probe run of the test binary
	"LEAKHOUND_BROWSER",                // interop/report: the browser to use
	"LEAKHOUND_SCREENSHOT",             // interop/report: where to copy the screenshot
	"LEAKHOUND_GOKER",                  // leakcheck's GoKer tests
	"LEAKHOUND_GOKER_RUN",              // leakcheck's GoKer tests' child runs
	"LEAKHOUND_DUMPS",                  // profile's dump corpus tests
	"LEAKHOUND_PROFILE_HELPER",         // profile's child-process tests
	"LEAKHOUND_REPORT_CHILD",           // report's child-process tests
	"LEAKHOUND_TEST_WRITER_DIR",        // reportdir's many-writer tests
	"LEAKHOUND_TEST_WRITER_ID",         // reportdir's many-writer tests
	"LEAKHOUND_TEST_WRITER_MODE",       // reportdir's many-writer tests
	"LEAKHOUND_FIX_CORPUS",             // internal/fixrun: the real-bug corpus to measure fix on
	"LEAKHOUND_FIX_EXAMPLES",           // internal/fixrun: measure fix on the examples
	"LEAKHOUND_WATCH_SOAK",             // watch: the memory soak's number of looks
	"LEAKHOUND_WATCH_SOAK_N",           // watch: the soak's goroutines per target
	"LEAKHOUND_WATCH_SOAK_CONCURRENCY", // watch: the soak's fetches at a time
	"LEAKHOUND_WATCH_FLEET",            // watch: the soak's simulated fleet, a child process
}

// Prefix starts the names of leakhound's own variables.
const Prefix = "LEAKHOUND_"

// Unknown returns one warning for each LEAKHOUND_* name in environ
// (os.Environ's "NAME=value" form) that leakhound does not read, naming
// the nearest variable it does read when one is close: a mistyped
// variable is otherwise ignored without a word.
func Unknown(environ []string) []string {
	known := map[string]bool{}
	var public []string
	for _, v := range Vars {
		known[v.Name] = true
		if strings.HasPrefix(v.Name, Prefix) {
			public = append(public, v.Name)
		}
	}
	for _, n := range Internal {
		known[n] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(strings.ToUpper(name), Prefix) || known[name] || seen[name] {
			continue
		}
		seen[name] = true
		msg := fmt.Sprintf("%s is not a variable leakhound reads, so it changes nothing", name)
		if near := nearest(name, public); near != "" {
			msg += fmt.Sprintf("; did you mean %s?", near)
		} else {
			msg += fmt.Sprintf(" (it reads %s)", strings.Join(public, ", "))
		}
		out = append(out, msg)
	}
	return out
}

// nearest returns the name among names closest to s by edit distance,
// ignoring case, when it is close enough to be a typo: at most a third of
// the letters after the prefix differ. "" otherwise.
func nearest(s string, names []string) string {
	best, bestD := "", -1
	for _, n := range names {
		d := distance(strings.ToUpper(s), n)
		if bestD < 0 || d < bestD {
			best, bestD = n, d
		}
	}
	if best == "" || bestD > max(1, (len(best)-len(Prefix))/3) {
		return ""
	}
	return best
}

// distance is the Levenshtein edit distance between a and b, with a
// swap of two neighbouring letters counting as one edit.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// Table is the Markdown table of Vars the README holds.
func Table() string {
	var b strings.Builder
	b.WriteString("| variable | what it does | default | read by |\n|---|---|---|---|\n")
	for _, v := range Vars {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", v.Name, v.Meaning, v.Default, v.ReadBy)
	}
	return b.String()
}
