package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/reportdir"
)

// cliEnv is what the command takes from the environment, the defaults of
// flags that say the same (internal/settings lists every variable
// leakhound reads). It is read here alone; the packages the command calls
// read no environment.
type cliEnv struct {
	baseline    string // LEAKHOUND_BASELINE: merge -known
	stepSummary string // GITHUB_STEP_SUMMARY: merge -summary
	artifact    string // LEAKHOUND_ARTIFACT: merge -artifact
	gomodcache  string // GOMODCACHE: one of the directories report reads source from
	gopath      string // GOPATH: the module cache is under it when GOMODCACHE is unset
}

// readCLIEnv reads the command's variables. A relative LEAKHOUND_BASELINE
// is taken from the module root above the working directory, as in the
// tests that read the same variable (reportdir.FromRoot), so one setting
// serves a whole CI job; a flag's relative path is the working
// directory's, as for any command.
func readCLIEnv() cliEnv {
	get := func(name string) string { return strings.TrimSpace(os.Getenv(name)) }
	env := cliEnv{stepSummary: get(reportdir.StepSummaryEnv), artifact: get(reportdir.ArtifactEnv),
		gomodcache: get("GOMODCACHE"), gopath: get("GOPATH")}
	if b := get(reportdir.BaselineEnv); b != "" {
		env.baseline = reportdir.FromRoot(moduleRootOfWorkingDir(), b)
	}
	return env
}

// moduleRootOfWorkingDir is the directory of the go.mod at or above the
// working directory, or "" (the working directory itself) when there is
// none.
func moduleRootOfWorkingDir() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if st, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil && !st.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
