// Package adoption tests what adopting leakhound does to a user's module:
// a module that requires it gains only what leakhound's library packages
// import, and no other requirement of the module moves.
package adoption

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/testenv"
)

// The adopter's module before leakhound: go 1.26.0 and older versions of
// two modules leakhound's own tests and examples use.
const (
	adopterGoMod = `module example.com/adopter

go 1.26.0

require (
	github.com/stretchr/testify v1.8.0
	golang.org/x/sync v0.23.0
)
`
	adopterLib = `package adopter

import "golang.org/x/sync/errgroup"

// Both runs f twice in a group.
func Both(f func() error) error {
	var g errgroup.Group
	g.Go(f)
	g.Go(f)
	return g.Wait()
}
`
	adopterTest = `package adopter

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBoth(t *testing.T) { assert.NoError(t, Both(func() error { return nil })) }
`
	// adopterLeakTest is the test file adopting leakhound adds.
	adopterLeakTest = `package adopter

import (
	"testing"

	"github.com/leakhound/leakhound/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }
`
)

// allowedAdded is every go.mod line adopting leakhound may add: the
// requirement itself, the replace this test points it at the tree with,
// and the modules leakhound's library packages import.
var allowedAdded = []string{
	"github.com/leakhound/leakhound v0.0.0",
	"github.com/google/pprof ",
	"replace github.com/leakhound/leakhound => ",
	"require github.com/leakhound/leakhound v0.0.0",
	"require github.com/google/pprof ",
	"require (",
	")",
	"",
}

// neverInherited are modules leakhound's tests, examples and benchmarks use
// and its library does not: none may enter an adopter's module graph.
var neverInherited = []string{
	"github.com/chromedp/chromedp",
	"github.com/chromedp/cdproto",
	"github.com/maruel/panicparse",
	"go.uber.org/goleak",
}

// TestAdoptingChangesNothingElse tidies an adopter's module, requires
// leakhound from this tree, tidies again, and holds the go.mod lines that
// changed to what the library imports. It needs the module proxy (or a
// module cache holding testify v1.8.0 and x/sync v0.23.0).
func TestAdoptingChangesNothingElse(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod tidy twice")
	}
	goCmd := testenv.GoCommand(t)
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	// Read here so that go test's cache, which sees the files a test
	// opens and not those its child processes open, reruns this test when
	// leakhound's requirements change.
	if _, err := os.ReadFile(filepath.Join(repo, "go.mod")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Checksums are not what this test is about, and the checksum
	// database may be out of reach where the proxy's cache is not.
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOSUMDB=off", "GOWORK=off", "GOTOOLCHAIN=local")
	gocmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goCmd, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			if os.Getenv("CI") == "" && (strings.Contains(string(out), "lookup disabled") || strings.Contains(string(out), "dial tcp")) {
				t.Skipf("the module proxy is out of reach: %s", out)
			}
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	write("go.mod", adopterGoMod)
	write("lib.go", adopterLib)
	write("lib_test.go", adopterTest)
	gocmd("mod", "tidy")
	before, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}

	write("leak_test.go", adopterLeakTest)
	gocmd("mod", "edit", "-replace=github.com/leakhound/leakhound="+filepath.ToSlash(repo))
	gocmd("get", "github.com/leakhound/leakhound@v0.0.0")
	gocmd("mod", "tidy")
	after, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}

	beforeLines := lines(string(before))
	afterLines := lines(string(after))
	for _, l := range beforeLines {
		if !slices.Contains(afterLines, l) {
			t.Errorf("adopting leakhound changed the line %q of the adopter's go.mod", l)
		}
	}
	for _, l := range afterLines {
		if slices.Contains(beforeLines, l) {
			continue
		}
		allowed := slices.ContainsFunc(allowedAdded, func(a string) bool {
			return l == a || (a != "" && a != ")" && strings.HasPrefix(l, a))
		})
		if !allowed {
			t.Errorf("adopting leakhound added %q to the adopter's go.mod", l)
		}
	}
	graph := gocmd("mod", "graph")
	all := gocmd("list", "-m", "all")
	for _, m := range neverInherited {
		if strings.Contains(graph, m) || strings.Contains(all, m) {
			t.Errorf("%s is in the adopter's module graph: leakhound's go.mod must require only what its library imports", m)
		}
	}
	if t.Failed() {
		t.Logf("go.mod before:\n%s\nafter:\n%s", before, after)
	}
}

// lines returns s's lines with their indentation and trailing space
// trimmed, so that a requirement reads the same inside or outside a
// require block.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		out = append(out, strings.TrimSpace(strings.TrimSuffix(l, "// indirect")))
	}
	return out
}
