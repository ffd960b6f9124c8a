package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/report"
)

// slowModule is a test package whose TestSlow hangs past -timeout while
// the goroutines it and its subtest started are blocked, next to one
// started at init that no test owns.
var slowModule = map[string]string{
	"go.mod": "module example.com/slow\n\ngo 1.26\n",
	"slow_test.go": `package slow

import "testing"

// Nothing ever sends on or receives from these, so every goroutine
// stays where it blocks.
var (
	noSender   = make(chan int)
	noReceiver = make(chan int)
)

func startedAtInit() { <-noSender }
func startedByTest() { <-noSender }
func startedByHelper() { noReceiver <- 1 }
func startedBySubtest() {
	select {
	case <-noSender:
	case noReceiver <- 2:
	}
}

func helper() {
	go startedByHelper()
	<-noSender
}

func init() { go startedAtInit() }

func TestQuick(t *testing.T) {}

func TestSlow(t *testing.T) {
	go startedByTest()
	go helper()
	t.Run("sub", func(t *testing.T) {
		go startedBySubtest()
		<-noSender
	})
}
`,
}

// timedOutDumps runs the slow test binary until it times out and returns
// its output as plain text and as go test -json. It compiles a module, so
// it is skipped under -short.
func timedOutDumps(t *testing.T) (text, jsonOut []byte) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs a test binary")
	}
	dir := t.TempDir()
	for name, content := range slowModule {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "slow.test")
	build := exec.Command("go", "test", "-c", "-o", bin, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the slow test: %v\n%s", err, out)
	}
	text, err := exec.Command(bin, "-test.v", "-test.timeout=2s").CombinedOutput()
	if err == nil {
		t.Fatalf("the slow test did not time out:\n%s", text)
	}
	jsonOut, err = exec.Command("go", "tool", "test2json", "-t", "-p", "example.com/slow",
		bin, "-test.v=test2json", "-test.timeout=2s").Output()
	if len(jsonOut) == 0 {
		t.Fatalf("test2json wrote nothing: %v", err)
	}
	return text, jsonOut
}

// TestReportTestTimeout checks a timed-out test's dump names the running
// tests and attributes to them the goroutines they started, first.
func TestReportTestTimeout(t *testing.T) {
	text, jsonOut := timedOutDumps(t)
	for _, in := range []struct {
		name string
		data []byte
	}{{"text", text}, {"go test -json", jsonOut}} {
		t.Run(in.name, func(t *testing.T) {
			file := writeInput(t, "timeout.out", in.data)
			r := runBinary(t, "", nil, "report", "-json", "-", file)
			if r.code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
			}
			doc, err := report.ReadJSON(strings.NewReader(r.stdout))
			if err != nil {
				t.Fatalf("the JSON report does not decode: %v\n%s", err, r.stdout)
			}
			want := map[string]string{
				"startedByTest":    "TestSlow",
				"startedByHelper":  "TestSlow",
				"helper":           "TestSlow",
				"startedBySubtest": "TestSlow/sub",
				"startedAtInit":    "",
			}
			got := map[string]string{}
			firstUntested := -1
			for i, g := range doc.Reports[0].Groups {
				name := g.Block.Func[strings.LastIndexByte(g.Block.Func, '.')+1:]
				if _, ok := want[name]; ok {
					got[name] = strings.Join(g.Tests, ",")
				}
				if len(g.Tests) == 0 && firstUntested < 0 {
					firstUntested = i
				}
				if len(g.Tests) > 0 && firstUntested >= 0 {
					t.Errorf("group %d (%s, tests %v) comes after group %d, which no test started", i, g.Block.Func, g.Tests, firstUntested)
				}
			}
			for fn, test := range want {
				if tests, ok := got[fn]; !ok {
					t.Errorf("no group blocks in %s", fn)
				} else if tests != test {
					t.Errorf("%s: attributed to %q, want %q", fn, tests, test)
				}
			}

			txt := runBinary(t, "", nil, "report", file)
			first, _, _ := strings.Cut(txt.stdout, "\n")
			for _, w := range []string{"timed out after 2s", "TestSlow", "TestSlow/sub"} {
				if !strings.Contains(first, w) {
					t.Errorf("the report's first line does not say %q: %q", w, first)
				}
			}
			if strings.Contains(first, "TestQuick") {
				t.Errorf("the report names TestQuick, which had finished: %q", first)
			}
		})
	}
}
