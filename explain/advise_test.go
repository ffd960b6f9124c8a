package explain

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
	"github.com/leakhound/leakhound/report"
)

const adviseSource = `package x

type pool struct {
	jobs chan int
	quit chan struct{}
}

func (p *pool) run() int {
	return <-p.jobs // mark:owned
}

func (p *pool) Stop() { p.quit <- struct{}{} }

type free struct{ jobs chan int }

func (f *free) run() int {
	return <-f.jobs // mark:free
}
`

// TestAdviseNamesWhatTheCodeHas: a goroutine blocked in a method of a type
// with a Close-like method is told to use it, not to add a stop channel;
// without one, the stop channel is the advice.
func TestAdviseNamesWhatTheCodeHas(t *testing.T) {
	path, m := writeSource(t, adviseSource)
	tests := []struct {
		name, fn, mark, want string
	}{
		{"owner with a Stop", "(*pool).run", "owned", "the owner already has (*pool).Stop"},
		{"no closer", "(*free).run", "free", "give the goroutine a stop channel its owner closes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &profile.Goroutine{State: "chan receive", Frames: []profile.Frame{
				{Func: "example.com/x." + tt.fn, File: path, Line: m[tt.mark]}}}
			r := explained([]report.Leak{{Goroutine: g}}, report.Options{ModuleRoot: filepath.Dir(path)}, Options{NoTypes: true})
			if sum := r.Groups[0].Diagnosis.Summary; !strings.Contains(sum, tt.want) {
				t.Errorf("summary %q does not hold %q", sum, tt.want)
			}
		})
	}
}
