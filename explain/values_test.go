package explain

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

// valueSource holds the two families a name-based match gets wrong: a
// channel reached through another struct's field (the close of cm.errChan
// releases r.errChan), and a field of the same name in another type (the
// buffered make of other.errChan is not r.errChan's).
const valueSource = `package x

type reader struct{ errChan chan error }
type conn struct{ errChan chan error }
type other struct{ errChan chan error }

func newOther() *other { return &other{errChan: make(chan error, 1)} }

func newConn() *conn { return &conn{errChan: make(chan error)} } // mark:make

func wire(r *reader, cm *conn) { r.errChan = cm.errChan }

func (cm *conn) shut() { close(cm.errChan) } // mark:close

func (r *reader) wait() error {
	return <-r.errChan // mark:recv
}
`

// TestDiagnosisFollowsValues reads the same source with types (in a
// module, go list can load it) and without (no go.mod, or NoTypes): only
// the typed diagnosis names the close reached through another field and
// the right make; the untyped one says its values rest on names.
func TestDiagnosisFollowsValues(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	tests := []struct {
		name    string
		gomod   bool
		noTypes bool
		typed   bool
	}{
		{"in a module", true, false, true},
		{"outside any module", false, false, false},
		{"types turned off", true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, m := writeSource(t, valueSource)
			if tt.gomod {
				if err := os.WriteFile(filepath.Join(filepath.Dir(path), "go.mod"), []byte("module example.com/x\n\ngo 1.22\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			g := &profile.Goroutine{State: "chan receive", Frames: []profile.Frame{
				{Func: "example.com/x.(*reader).wait", File: path, Line: m["recv"]}}}
			r := explained([]report.Leak{{Goroutine: g}}, report.Options{ModuleRoot: filepath.Dir(path)}, Options{NoTypes: tt.noTypes})
			d := r.Groups[0].Diagnosis
			closeNamed := false
			for _, p := range d.Facts.Partners {
				closeNamed = closeNamed || p.Kind == "close" && p.Line == m["close"]
			}
			if closeNamed != tt.typed {
				t.Errorf("close at line %d among the partners: %v, want %v (partners %+v)", m["close"], closeNamed, tt.typed, d.Facts.Partners)
			}
			if tt.typed && (d.Facts.Make == nil || d.Facts.Make.Line != m["make"] || d.Facts.Buffer != "") {
				t.Errorf("made at %+v buffer %q, want line %d unbuffered", d.Facts.Make, d.Facts.Buffer, m["make"])
			}
			said := containsFragment(d.Evidence, "types not loaded")
			if want := !tt.typed && !tt.noTypes; said != want {
				t.Errorf("evidence says types not loaded: %v, want %v:\n%s", said, want, strings.Join(d.Evidence, "\n"))
			}
		})
	}
}
