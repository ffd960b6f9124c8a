package adopt

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/words"
	"github.com/leakhound/leakhound/report"
	"github.com/leakhound/leakhound/reportdir"
)

// ModulePath is leakhound's module, which the checked module must require.
const ModulePath = "github.com/leakhound/leakhound"

// TestOptions are the inputs of Test.
type TestOptions struct {
	// Dir is the directory go test runs in.
	Dir string
	// Args are go test's flags and packages, as "go test" takes them.
	Args []string
	// ReportDir is where the merged report is written.
	ReportDir string
	// Source is a leakhound source directory to build the checks from
	// when the module does not require leakhound; "" to use Version.
	Source string
	// Version is the leakhound version to require when the module does
	// not and Source is "": the version of the running command.
	Version string
	// Env is go test's environment; LEAKHOUND_REPORT is set in it.
	Env []string
	// Stdout and Stderr receive go test's output and the summary.
	Stdout, Stderr io.Writer
}

// Test runs go test with leak checking in every package: the plans'
// changes go in through -overlay, the module gains the leakhound
// requirement (if it lacks it) through -modfile, a copy of its go.mod, and
// no file of the tree is written. The reports of all packages are merged
// into o.ReportDir and summarised. It returns go test's exit code, or an
// error when the run could not be set up or the report not written.
func Test(o TestOptions) (int, error) {
	buildFlags, patterns, err := splitTestArgs(o.Args)
	if err != nil {
		return 0, err
	}
	pkgs, err := List(o.Dir, buildFlags, patterns)
	if err != nil {
		return 0, err
	}
	plans, err := PlanAll(pkgs)
	if err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp("", "leakhound-test-")
	if err != nil {
		return 0, fmt.Errorf("making a temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)
	overlay, err := WriteOverlay(plans, tmp)
	if err != nil {
		return 0, err
	}
	modFlags, err := requireLeakhound(o, tmp)
	if err != nil {
		return 0, err
	}
	reports := filepath.Join(tmp, "report")
	args := append([]string{"test", "-overlay=" + overlay}, modFlags...)
	args = append(args, o.Args...)
	cmd := exec.Command("go", args...)
	cmd.Dir = o.Dir
	cmd.Env = append(withoutVar(o.Env, reportdir.Env), reportdir.Env+"="+reports)
	cmd.Stdout, cmd.Stderr = o.Stdout, o.Stderr
	code := 0
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return 0, fmt.Errorf("running go test: %w", err)
		}
		code = exit.ExitCode()
	}
	summaryTo := o.Stdout
	if slices.ContainsFunc(o.Args, func(a string) bool { return a == "-json" || a == "-json=true" }) {
		summaryTo = o.Stderr // keep go test's JSON stream clean
	}
	writePlanSummary(summaryTo, plans)
	if err := mergeReports(summaryTo, reports, o.ReportDir); err != nil {
		return code, err
	}
	return code, nil
}

// writePlanSummary says how many packages were checked, and why the
// others were not.
func writePlanSummary(w io.Writer, plans []Plan) {
	withTests, checked, wrapped := 0, 0, 0
	var unchecked []string
	for _, pl := range plans {
		if pl.How == HowNoTests {
			continue
		}
		withTests++
		switch {
		case pl.Checked:
			checked++
			if strings.HasPrefix(pl.How, howWrapped) {
				wrapped++
			}
		default:
			unchecked = append(unchecked, pl.ImportPath+": "+pl.How)
		}
	}
	fmt.Fprintf(w, "leakhound test: %d of %s checked for leaks", checked, words.Plural(withTests, "package")+" with tests")
	if wrapped > 0 {
		fmt.Fprintf(w, " (%d through its own TestMain)", wrapped)
	}
	fmt.Fprintln(w)
	for _, u := range unchecked {
		fmt.Fprintf(w, "  %s\n", u)
	}
}

// mergeReports merges the report directory the tests wrote into out and
// names the leaks; with no report written, there were none.
func mergeReports(w io.Writer, from, out string) error {
	docs, _ := filepath.Glob(filepath.Join(from, "pkg-*.json"))
	if len(docs) == 0 {
		fmt.Fprintln(w, "leakhound test: no goroutine outlived the tests; no report written")
		return nil
	}
	m, err := reportdir.Collect([]string{from}, "")
	if err != nil {
		return fmt.Errorf("merging the reports: %w", err)
	}
	if err := m.Write(out); err != nil {
		return fmt.Errorf("writing the report to %s: %w", out, err)
	}
	total := 0
	for _, d := range m.Docs {
		n, tests := 0, map[string]bool{}
		for _, r := range d.Reports {
			n += r.Total
			for _, g := range r.Groups {
				for _, t := range g.Tests {
					tests[t] = true
				}
			}
		}
		total += n
		line := fmt.Sprintf("  %s: %s", d.Package, words.Plural(n, "goroutine"))
		if len(tests) > 0 {
			line += " from " + strings.Join(slices.Sorted(maps.Keys(tests)), ", ")
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "leakhound test: %s leaked in %s\nreport: %s\n", words.Plural(total, "goroutine"), words.Plural(len(m.Docs), "package"), filepath.Join(out, report.IndexPage))
	return nil
}

// requireLeakhound returns the go test flags that let the packages import
// leakcheck: none when the module requires leakhound already (or is
// leakhound), else -modfile naming a copy of go.mod that requires it, with
// -mod=mod so go test may complete the copy's go.sum.
func requireLeakhound(o TestOptions, tmp string) ([]string, error) {
	var mod struct {
		Module  struct{ Path string }
		Require []struct{ Path string }
	}
	gomod, err := goOutput(o.Dir, "env", "GOMOD")
	if err != nil {
		return nil, err
	}
	gomod = strings.TrimSpace(gomod)
	if gomod == "" || gomod == os.DevNull {
		return nil, errors.New("not in a module: run leakhound test inside the module whose tests it should run")
	}
	js, err := goOutput(o.Dir, "mod", "edit", "-json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(js), &mod); err != nil {
		return nil, fmt.Errorf("reading go.mod: %w", err)
	}
	if mod.Module.Path == ModulePath || slices.ContainsFunc(mod.Require, func(r struct{ Path string }) bool { return r.Path == ModulePath }) {
		return nil, nil
	}
	if slices.ContainsFunc(o.Args, func(a string) bool { return strings.HasPrefix(a, "-modfile") }) {
		return nil, fmt.Errorf("the module does not require %s and -modfile was given: add the requirement to that file (go get %s)", ModulePath, ModulePath)
	}
	version := o.Version
	if o.Source != "" {
		version = "v0.0.0"
	}
	if version == "" {
		return nil, fmt.Errorf("the module does not require %s and this leakhound has no version to require; run go get %s in the module first", ModulePath, ModulePath)
	}
	modfile := filepath.Join(tmp, "go.mod")
	if err := copyFile(gomod, modfile); err != nil {
		return nil, err
	}
	if err := copyFile(strings.TrimSuffix(gomod, ".mod")+".sum", filepath.Join(tmp, "go.sum")); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	edit := []string{"mod", "edit", "-modfile=" + modfile, "-require=" + ModulePath + "@" + version}
	if o.Source != "" {
		abs, err := filepath.Abs(o.Source)
		if err != nil {
			return nil, fmt.Errorf("finding the leakhound source: %w", err)
		}
		edit = append(edit, "-replace="+ModulePath+"="+abs)
	}
	if _, err := goOutput(o.Dir, edit...); err != nil {
		return nil, err
	}
	return []string{"-modfile=" + modfile, "-mod=mod"}, nil
}

// goOutput runs the go command in dir and returns its standard output.
func goOutput(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o644)
}

// withoutVar returns env without the variable name.
func withoutVar(env []string, name string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool { return strings.HasPrefix(kv, name+"=") })
}
