package fixrun

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/fixrun/fixture"
	"github.com/leakhound/leakhound/internal/testenv"
)

// corpusTarget runs a real-bug case's Run under leakcheck.Check: the
// leak its upstream project fixed, as a leaking test.
const corpusTarget = `package %s

import (
	"testing"

	"github.com/leakhound/leakhound/leakcheck"
)

func TestFixTarget(t *testing.T) {
	leakcheck.Check(t)
	Run()
}
`

// TestFixCorpus runs fix on every case of the real-bug corpus (the
// directories of internal/realbugs holding a leak.go with a Run, or those
// under the directory LEAKHOUND_FIX_CORPUS names) in a copy of the module,
// and logs per case: verified or not, whether the verified patch does
// what the upstream fix does (calls its fix_call, or changes a line the
// same way), the runs and the wall time. Each verified patch is applied
// again with git apply to a fresh copy, where the case's test must then
// pass three runs with no leak. It takes minutes, so it runs
// only with LEAKHOUND_FIX_CORPUS set (1 for the module's own corpus).
func TestFixCorpus(t *testing.T) {
	from := os.Getenv("LEAKHOUND_FIX_CORPUS")
	if from == "" {
		t.Skip("set LEAKHOUND_FIX_CORPUS=1 (or the corpus directory) to run leakhound fix on the real-bug corpus (minutes)")
	}
	goCmd := testenv.GoCommand(t)
	root := fixture.Root(t, goCmd)
	if from == "1" {
		from = filepath.Join(root, "internal", "realbugs")
	}
	cases, err := filepath.Glob(filepath.Join(from, "*", "leak.go"))
	if err != nil || len(cases) == 0 {
		t.Skipf("no real-bug cases under %s", from)
	}
	dir := copyModule(t, root)
	applied := copyModule(t, root) // each verified patch is applied here with git apply
	var verified, same int
	var table []string
	for _, leak := range cases {
		name := filepath.Base(filepath.Dir(leak))
		caseDir := filepath.Join(dir, "internal", "fixcorpus", name)
		src, err := os.ReadFile(leak)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), leak, src, parser.PackageClauseOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{caseDir, filepath.Join(applied, "internal", "fixcorpus", name)} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
			for file, text := range map[string][]byte{"leak.go": src, "fixtarget_test.go": fmt.Appendf(nil, corpusTarget, f.Name.Name)} {
				if err := os.WriteFile(filepath.Join(d, file), text, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		res, err := Run(context.Background(), Options{Dir: dir, Packages: []string{"./internal/fixcorpus/" + name}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var text, diff bytes.Buffer
		res.WriteText(&text)
		res.WriteDiff(&diff)
		state := "no leak seen"
		match := ""
		switch {
		case len(res.Groups) == 0:
		case len(res.Unverified()) > 0:
			state = "no verified fix"
		default:
			verified++
			state = "verified"
			match = upstreamMatch(filepath.Dir(leak), diff.String())
			apply := exec.Command("git", "apply", "-")
			apply.Dir, apply.Stdin = applied, bytes.NewReader(diff.Bytes())
			if out, err := apply.CombinedOutput(); err != nil {
				t.Errorf("%s: git apply does not take the verified patch: %v\n%s", name, err, out)
			} else if why := testsPassWithoutLeak(t, goCmd, applied, "./internal/fixcorpus/"+name, ""); why != "" {
				t.Errorf("%s: with the verified patch applied by git apply: %s", name, why)
			}
			if match != "different" {
				same++
			}
		}
		t.Logf("%s:\n%s%s", name, text.String(), diff.String())
		table = append(table, fmt.Sprintf("%-26s %-16s %-22s %3d runs %6.1fs", name, state, match, res.Runs, res.Elapsed.Seconds()))
	}
	t.Logf("%d of %d cases get a verified patch, %d of them doing what the upstream fix does\n%s",
		verified, len(cases), same, strings.Join(table, "\n"))
}

// upstreamMatch compares a verified patch with the case's upstream fix:
// "same call" when the patch adds a call of the truth's fix_call, "same
// line" when it adds a line the upstream fix adds, else "different".
func upstreamMatch(caseDir, patch string) string {
	var truth struct {
		FixCall string `json:"fix_call"`
	}
	if b, err := os.ReadFile(filepath.Join(caseDir, "truth.json")); err == nil {
		json.Unmarshal(b, &truth)
	}
	added := addedLines(patch)
	if call := truth.FixCall; call != "" {
		last := call[strings.LastIndex(call, ".")+1:]
		for _, l := range added {
			if strings.Contains(l, last+"(") {
				return "same call"
			}
		}
	}
	upstream, _ := os.ReadFile(filepath.Join(caseDir, "fix.patch"))
	for _, u := range addedLines(string(upstream)) {
		for _, l := range added {
			if u == l && u != "" {
				return "same line"
			}
		}
	}
	return "different"
}

// addedLines are a unified diff's added lines, trimmed.
func addedLines(patch string) []string {
	var out []string
	for l := range strings.SplitSeq(patch, "\n") {
		if strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++") {
			out = append(out, strings.TrimSpace(l[1:]))
		}
	}
	return out
}
