package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	pprofile "github.com/google/pprof/profile"

	"github.com/leakhound/leakhound/report"
)

// The names of the functions the test goroutines park in, as they appear
// in reports.
const (
	recvFunc   = "parkOnReceive"
	selectFunc = "parkInSelect"
	mutexFunc  = "parkOnMutex"
)

var allParked = []string{recvFunc, selectFunc, mutexFunc}

// writeInput puts data in a file of the test's temporary directory.
func writeInput(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReportFormats runs the binary on dumps of every format the test
// process can produce and checks each names the parked goroutines.
func TestReportFormats(t *testing.T) {
	startBlocked(t)
	stack := stackDump()
	inputs := []struct {
		name string
		data func(t *testing.T) []byte
	}{
		{"runtime.Stack", func(*testing.T) []byte { return []byte(stack) }},
		{"goroutine debug=2", func(t *testing.T) []byte { return profileDump(t, "goroutine", 2) }},
		{"goroutine debug=1", func(t *testing.T) []byte { return profileDump(t, "goroutine", 1) }},
		{"goroutine proto", func(t *testing.T) []byte { return profileDump(t, "goroutine", 0) }},
		{"go test -json", func(t *testing.T) []byte { return testJSON(t, stack) }},
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			data := in.data(t)
			file := writeInput(t, "dump", data)
			for _, args := range [][]string{{"report", file}, {"report", "-"}, {"report"}} {
				r := runBinary(t, "", data, args...)
				if r.code != exitOK {
					t.Fatalf("leakhound %q: exit %d, want 0; stderr:\n%s", args, r.code, r.stderr)
				}
				for _, fn := range allParked {
					if !strings.Contains(r.stdout, fn) {
						t.Errorf("leakhound %q: the report does not mention %s:\n%s", args, fn, r.stdout)
					}
				}
			}
		})
	}
}

// TestReportFilters checks each filter keeps what it should and drops the
// rest, and that -fail turns remaining blocked goroutines into exit 1.
func TestReportFilters(t *testing.T) {
	startBlocked(t)
	file := writeInput(t, "dump.txt", []byte(stackDump()))
	tests := []struct {
		name     string
		args     []string
		want     []string // functions the report must mention
		dont     []string // functions it must not
		wantCode int
	}{
		{"no filter", nil, allParked, nil, exitOK},
		{"reason", []string{"-reason", "chan-receive"}, []string{recvFunc}, []string{selectFunc, mutexFunc}, exitOK},
		{"two reasons", []string{"-reason", "chan-receive,select"}, []string{recvFunc, selectFunc}, []string{mutexFunc}, exitOK},
		{"match", []string{"-match", "park(InSelect|OnMutex)"}, []string{selectFunc, mutexFunc}, []string{recvFunc}, exitOK},
		{"exclude", []string{"-exclude", recvFunc}, []string{selectFunc, mutexFunc}, []string{recvFunc}, exitOK},
		{"match file:line", []string{"-match", `dumps_test\.go:\d+$`, "-exclude", "Mutex|Select"}, []string{recvFunc}, []string{selectFunc, mutexFunc}, exitOK},
		{"min", []string{"-match", "park", "-min", "5"}, []string{recvFunc}, []string{selectFunc, mutexFunc}, exitOK},
		{"min above all", []string{"-match", "park", "-min", "8"}, nil, allParked, exitOK},
		{"flags after file", []string{"-reason", "select"}, []string{selectFunc}, []string{recvFunc, mutexFunc}, exitOK},
		{"fail with blocked", []string{"-fail", "-reason", "chan-receive"}, []string{recvFunc}, nil, exitFound},
		{"fail with nothing left", []string{"-fail", "-match", "no function is called this"}, nil, allParked, exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"report"}, tt.args...)
			if tt.name == "flags after file" {
				args = append([]string{"report", file}, tt.args...)
			} else {
				args = append(args, file)
			}
			r := runBinary(t, "", nil, args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, tt.wantCode, r.stderr)
			}
			for _, fn := range tt.want {
				if !strings.Contains(r.stdout, fn) {
					t.Errorf("the report does not mention %s:\n%s", fn, r.stdout)
				}
			}
			for _, fn := range tt.dont {
				if strings.Contains(r.stdout, fn) {
					t.Errorf("the report mentions %s, which the filter should drop:\n%s", fn, r.stdout)
				}
			}
		})
	}
}

// TestReportHidesStdlib checks goroutines running only runtime and
// standard library code are hidden by default, said so, and shown by -all.
func TestReportHidesStdlib(t *testing.T) {
	// A kept-alive HTTP connection leaves goroutines in net/http on both
	// ends, started by net/http: standard library code only.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	dump := stackDump()
	if !strings.Contains(dump, "net/http.(*persistConn).readLoop") {
		t.Fatalf("no idle HTTP client connection in the dump:\n%s", dump)
	}
	file := writeInput(t, "dump.txt", []byte(dump))

	def := runBinary(t, "", nil, "report", file)
	all := runBinary(t, "", nil, "report", "-all", file)
	if def.code != exitOK || all.code != exitOK {
		t.Fatalf("exit %d and %d, want 0; stderr:\n%s\n%s", def.code, all.code, def.stderr, all.stderr)
	}
	if !strings.Contains(def.stdout, "-all shows them") {
		t.Errorf("the default report does not say it hid goroutines:\n%s", def.stdout)
	}
	if strings.Contains(def.stdout, "readLoop") {
		t.Errorf("the default report shows the HTTP connection's goroutines:\n%s", def.stdout)
	}
	if strings.Contains(all.stdout, "-all shows them") {
		t.Errorf("the -all report says it hid goroutines:\n%s", all.stdout)
	}
	if !strings.Contains(all.stdout, "readLoop") {
		t.Errorf("the -all report does not show the HTTP connection's goroutines:\n%s", all.stdout)
	}
}

// TestReportSort checks both orders on a dump whose biggest group is not
// the one blocked longest.
func TestReportSort(t *testing.T) {
	var dump strings.Builder
	goroutine := func(id int, state, fn string) {
		dump.WriteString("goroutine " + strconv.Itoa(id) + " [" + state + "]:\n" +
			"example.com/svc." + fn + "()\n\t/src/svc/svc.go:10 +0x1d\n" +
			"created by example.com/svc.Start in goroutine 1\n\t/src/svc/svc.go:5 +0x2a\n\n")
	}
	goroutine(10, "chan send, 30 minutes", "sendForever")
	for id := 11; id < 14; id++ {
		goroutine(id, "chan receive, 2 minutes", "receiveForever")
	}
	file := writeInput(t, "dump.txt", []byte(dump.String()))
	tests := []struct {
		sort         string
		first, later string
	}{
		{"count", "receiveForever", "sendForever"},
		{"minutes", "sendForever", "receiveForever"},
	}
	for _, tt := range tests {
		t.Run(tt.sort, func(t *testing.T) {
			r := runBinary(t, "", nil, "report", "-sort", tt.sort, file)
			if r.code != exitOK {
				t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
			}
			i, j := strings.Index(r.stdout, tt.first), strings.Index(r.stdout, tt.later)
			if i < 0 || j < 0 || i > j {
				t.Errorf("-sort %s: want %s before %s:\n%s", tt.sort, tt.first, tt.later, r.stdout)
			}
		})
	}
}

// TestReportOutputFiles checks the HTML, JSON and pprof forms hold the
// groups, and that "-" sends one of them to stdout in place of the text.
func TestReportOutputFiles(t *testing.T) {
	startBlocked(t)
	dir := t.TempDir()
	file := writeInput(t, "dump.txt", []byte(stackDump()))
	htmlPath, jsonPath, pprofPath := filepath.Join(dir, "r.html"), filepath.Join(dir, "r.json"), filepath.Join(dir, "r.pb.gz")
	r := runBinary(t, "", nil, "report", "-match", "park", "-html", htmlPath, "-json", jsonPath, "-pprof", pprofPath, file)
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}

	page, err := os.ReadFile(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	checkHTML(t, page)
	for _, fn := range allParked {
		if !bytes.Contains(page, []byte(fn)) {
			t.Errorf("the HTML report does not mention %s", fn)
		}
	}

	jf, err := os.Open(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	defer jf.Close()
	doc, err := report.ReadJSON(jf)
	if err != nil {
		t.Fatalf("the JSON report does not decode: %v", err)
	}
	if len(doc.Reports) != 1 {
		t.Fatalf("the JSON report holds %d reports, want 1", len(doc.Reports))
	}
	counts := map[string]int{}
	for _, g := range doc.Reports[0].Groups {
		for _, fn := range allParked {
			if strings.HasSuffix(g.Block.Func, "."+fn) {
				counts[fn] += g.Count
			}
		}
	}
	want := map[string]int{recvFunc: nReceive, selectFunc: nSelect, mutexFunc: nMutex}
	for fn, n := range want {
		if counts[fn] != n {
			t.Errorf("the JSON report has %d goroutines blocked in %s, want %d", counts[fn], fn, n)
		}
	}

	pf, err := os.Open(pprofPath)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	prof, err := pprofile.Parse(pf)
	if err != nil {
		t.Fatalf("the pprof file does not parse: %v", err)
	}
	total := int64(0)
	for _, s := range prof.Sample {
		for _, loc := range s.Location {
			if hasParkedFunc(loc) {
				total += s.Value[0]
				break
			}
		}
	}
	if total != nReceive+nSelect+nMutex {
		t.Errorf("the pprof profile counts %d parked goroutines, want %d", total, nReceive+nSelect+nMutex)
	}

	// -github adds one workflow command per group, on the blocking line.
	gh := runBinary(t, "", nil, "report", "-match", "park", "-github", file)
	if gh.code != exitOK {
		t.Fatalf("-github: exit %d; stderr:\n%s", gh.code, gh.stderr)
	}
	annotations := regexp.MustCompile(`(?m)^::error file=[^,]*dumps_test\.go,line=\d+`).FindAllString(gh.stdout, -1)
	if len(annotations) != len(allParked) {
		t.Errorf("-github: %d annotations on dumps_test.go, want one per parked group (%d):\n%s", len(annotations), len(allParked), gh.stdout)
	}

	// "-" puts one form on stdout instead of the text report.
	js := runBinary(t, "", nil, "report", "-match", "park", "-json", "-", file)
	if js.code != exitOK {
		t.Fatalf("-json -: exit %d; stderr:\n%s", js.code, js.stderr)
	}
	if _, err := report.ReadJSON(strings.NewReader(js.stdout)); err != nil {
		t.Errorf("-json -: stdout is not a JSON report: %v\n%s", err, js.stdout)
	}
}

func hasParkedFunc(loc *pprofile.Location) bool {
	for _, l := range loc.Line {
		for _, fn := range allParked {
			if l.Function != nil && strings.HasSuffix(l.Function.Name, "."+fn) {
				return true
			}
		}
	}
	return false
}

// checkHTML checks the page is a whole HTML document: it starts as one,
// ends as one, and its elements that need closing are closed.
func checkHTML(t *testing.T, page []byte) {
	t.Helper()
	s := strings.ToLower(string(page))
	if !strings.HasPrefix(strings.TrimSpace(s), "<!doctype html") {
		t.Errorf("the HTML report does not start with a doctype: %.80q", s)
	}
	if !strings.Contains(s, "</html>") || !strings.Contains(s, "</body>") {
		t.Errorf("the HTML report is not closed")
	}
	// Scripts and styles may spell tags in strings; only markup counts.
	s = regexp.MustCompile(`(?s)<(script|style)[\s>].*?</(script|style)>`).ReplaceAllString(s, "")
	for _, tag := range []string{"div", "table", "details", "section", "pre", "ul"} {
		open := len(regexp.MustCompile(`<`+tag+`[\s>]`).FindAllStringIndex(s, -1))
		closed := strings.Count(s, "</"+tag+">")
		if open != closed {
			t.Errorf("the HTML report opens <%s> %d times and closes it %d times", tag, open, closed)
		}
	}
}
