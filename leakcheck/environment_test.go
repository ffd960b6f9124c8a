package leakcheck

import (
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/srcfile"
	"github.com/leakhound/leakhound/reportdir"
)

// lookupIn is os.LookupEnv over vars.
func lookupIn(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

// TestReadEnvironment: every variable leakcheck reads, relative paths
// from the module root, and the problems printed once.
func TestReadEnvironment(t *testing.T) {
	root := t.TempDir()
	abs := filepath.Join(t.TempDir(), "elsewhere")
	// GOROOT and go's default module cache, for the cases that set
	// neither GOMODCACHE nor GOPATH.
	defaults := srcfile.ToolchainDirs("", "")
	goroot := defaults[0]
	tests := []struct {
		name     string
		vars     map[string]string
		want     environment
		problems []string // substrings, one per problem
	}{
		{name: "nothing set", vars: map[string]string{}},
		{
			name: "relative paths from the module root",
			vars: map[string]string{reportdir.Env: "leaks", reportdir.BaselineEnv: "known.txt"},
			want: environment{reportDir: filepath.Join(root, "leaks"), baseline: filepath.Join(root, "known.txt")},
		},
		{
			name: "absolute paths kept",
			vars: map[string]string{reportdir.Env: abs, reportdir.BaselineEnv: abs},
			want: environment{reportDir: abs, baseline: abs},
		},
		{
			name: "GitHub Actions",
			vars: map[string]string{"GITHUB_ACTIONS": "true", reportdir.StepSummaryEnv: "/s.md", reportdir.ArtifactEnv: " leaks "},
			want: environment{annotate: true, stepSummary: "/s.md", artifact: "leaks"},
		},
		{
			name: "a Bazel shard",
			vars: map[string]string{reportdir.ShardIndexEnv: "1", reportdir.TotalShardsEnv: "3"},
			want: environment{shard: "1/3"},
		},
		{
			name:     "a bad shard",
			vars:     map[string]string{reportdir.ShardIndexEnv: "3", reportdir.TotalShardsEnv: "3"},
			problems: []string{"do not name a shard"},
		},
		{
			name: "the module cache",
			vars: map[string]string{"GOMODCACHE": "/mc", "GOPATH": "/gp"},
			want: environment{sourceRoots: []string{goroot, "/mc"}},
		},
		{
			name: "the module cache under GOPATH",
			vars: map[string]string{"GOPATH": "/gp" + string(filepath.ListSeparator) + "/other"},
			want: environment{sourceRoots: []string{goroot, filepath.Join("/gp", "pkg", "mod")}},
		},
		{
			name:     "a mistyped name",
			vars:     map[string]string{"LEAKHOUND_REPROT": "leaks"},
			problems: []string{"did you mean LEAKHOUND_REPORT?"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var environ []string
			for k, v := range tt.vars {
				environ = append(environ, k+"="+v)
			}
			if tt.want.sourceRoots == nil {
				tt.want.sourceRoots = defaults
			}
			got := readEnvironment(lookupIn(tt.vars), environ, root)
			problems := got.problems
			got.problems = nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if len(problems) != len(tt.problems) {
				t.Fatalf("problems %q, want %d", problems, len(tt.problems))
			}
			for i, p := range tt.problems {
				if !strings.Contains(problems[i], p) {
					t.Errorf("problem %q does not say %q", problems[i], p)
				}
			}
		})
	}
}

// TestEnvironmentReadOnce: the process's environment is read on the first
// check and its problems printed then, once: later calls return the same
// reading and print nothing.
func TestEnvironmentReadOnce(t *testing.T) {
	first := environmentOnce(io.Discard)
	var out strings.Builder
	if again := environmentOnce(&out); again != first {
		t.Error("the environment was read twice")
	}
	if out.Len() != 0 {
		t.Errorf("problems printed again:\n%s", out.String())
	}
}
