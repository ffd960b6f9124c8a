package fixrun

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/fixrun/fixture"
	"github.com/leakhound/leakhound/internal/testenv"
	"github.com/leakhound/leakhound/report"
)

// TestVerifySignatureChange checks the rule for an edit that changes an
// exported signature: it is verified only when every package of the
// module still builds with it, and then it says what it changes.
func TestVerifySignatureChange(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs test binaries")
	}
	goCmd := testenv.GoCommand(t)
	files := map[string]string{
		"api/api.go":       "// Package api waits.\npackage api\n\n// Wait returns what ch holds.\nfunc Wait(ch chan int) int { return <-ch }\n",
		"api/api_test.go":  "package api\n\nimport \"testing\"\n\nfunc TestWait(t *testing.T) {\n\tch := make(chan int, 1)\n\tch <- 1\n\tif Wait(ch) != 1 {\n\t\tt.Fatal(\"wrong value\")\n\t}\n}\n",
		"caller/caller.go": "// Package caller uses api.\npackage caller\n\nimport \"example.com/fixture/api\"\n\n// Use waits for 2.\nfunc Use() int {\n\tch := make(chan int, 1)\n\tch <- 2\n\treturn api.Wait(ch)\n}\n",
	}
	dir := fixture.WriteModule(t, goCmd, fixture.Root(t, goCmd), files)
	ctx := context.Background()
	s, err := newSession(ctx, Options{Dir: dir, Packages: []string{"./api"}, Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(s.tmp)
	pkgs, _, err := s.listPackages(ctx, s.opts.Packages)
	if err != nil || len(pkgs) != 1 {
		t.Fatalf("listing: %v (%d packages)", err, len(pkgs))
	}
	s.pkgs = map[string]*pkgInfo{pkgs[0].ImportPath: pkgs[0]}
	if s.baseline, err = s.runTests(ctx, []string{pkgs[0].ImportPath}, "", 1, ""); err != nil {
		t.Fatal(err)
	}
	edit := func(file, old, new string) report.Edit {
		path := filepath.Join(dir, filepath.FromSlash(file))
		at := strings.Index(files[file], old)
		return report.Edit{File: path, Start: at, End: at + len(old), Old: old, New: new}
	}
	signature := edit("api/api.go", "Wait(ch chan int) int", "Wait(ch chan int, stop chan struct{}) int")
	test := edit("api/api_test.go", "Wait(ch)", "Wait(ch, nil)")
	caller := edit("caller/caller.go", "api.Wait(ch)", "api.Wait(ch, nil)")
	tests := []struct {
		name  string
		edits []report.Edit
		want  Outcome
	}{
		{name: "a caller left behind", edits: []report.Edit{signature, test}, want: OutcomeBuild},
		{name: "every caller changed", edits: []report.Edit{signature, test, caller}, want: OutcomeVerified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := &target{pkg: pkgs[0].ImportPath, tests: []string{"TestWait"}, run: runPattern([]string{"TestWait"})}
			a := &Attempt{}
			if err := s.verify(ctx, tg, &candidate{edits: uniqueEdits(tt.edits)}, a); err != nil {
				t.Fatal(err)
			}
			if a.Outcome != tt.want {
				t.Fatalf("outcome %q (%s), want %q", a.Outcome, a.Detail, tt.want)
			}
			if len(a.ChangesAPI) != 1 || !strings.Contains(a.ChangesAPI[0], "func Wait: func(ch chan int) int → func(ch chan int, stop chan struct{}) int") {
				t.Errorf("ChangesAPI = %q", a.ChangesAPI)
			}
		})
	}
}
