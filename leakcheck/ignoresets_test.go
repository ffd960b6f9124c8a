package leakcheck

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// TestIgnoreKnown: a named set leaves out its library's goroutines and
// nothing else; an unknown name is an error, not a silently weaker check.
func TestIgnoreKnown(t *testing.T) {
	worker := &profile.Goroutine{ID: 1, Frames: []profile.Frame{
		{Func: "runtime.gopark"}, {Func: "go.opencensus.io/stats/view.(*worker).start"},
	}}
	klogD := &profile.Goroutine{ID: 2, Frames: []profile.Frame{{Func: "k8s.io/klog/v2.(*flushDaemon).run.func1"}},
		CreatedBy: &profile.Frame{Func: "k8s.io/klog/v2.(*flushDaemon).run"}}
	other := &profile.Goroutine{ID: 3, Frames: []profile.Frame{{Func: "example.com/app.(*Pool).loop"}}}
	tests := []struct {
		name    string
		sets    []string
		ignored map[*profile.Goroutine]bool
		wantErr string
	}{
		{name: "none", ignored: map[*profile.Goroutine]bool{}},
		{name: "opencensus", sets: []string{"opencensus"}, ignored: map[*profile.Goroutine]bool{worker: true}},
		{name: "klog and opencensus", sets: []string{"klog", "opencensus"}, ignored: map[*profile.Goroutine]bool{worker: true, klogD: true}},
		{name: "unknown", sets: []string{"nosuch"}, ignored: map[*profile.Goroutine]bool{}, wantErr: "no ignore set named nosuch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := newConfig([]Option{IgnoreKnown(tt.sets...)})
			for _, g := range []*profile.Goroutine{worker, klogD, other} {
				if got := cfg.ignored(g); got != tt.ignored[g] {
					t.Errorf("goroutine %d ignored: %v, want %v", g.ID, got, tt.ignored[g])
				}
			}
			var errs []string
			for _, err := range cfg.errs {
				errs = append(errs, err.Error())
			}
			if got := strings.Join(errs, "\n"); (tt.wantErr == "") != (got == "") || !strings.Contains(got, tt.wantErr) {
				t.Errorf("errors %q, want one with %q", got, tt.wantErr)
			}
		})
	}
}

// TestKnownIgnoreSetsComplete: every shipped entry says what it is, why it
// is harmless and which version it was checked against, and its function
// belongs to its module.
func TestKnownIgnoreSetsComplete(t *testing.T) {
	names := map[string]bool{}
	for _, s := range KnownIgnoreSets() {
		if s.Name == "" || names[s.Name] || len(s.Entries) == 0 {
			t.Errorf("set %q: empty or repeated name, or no entries", s.Name)
		}
		names[s.Name] = true
		for _, e := range s.Entries {
			if e.Module == "" || e.Why == "" || !strings.HasPrefix(e.Version, "v") || !strings.HasPrefix(e.Function, e.Module+".") && !strings.HasPrefix(e.Function, e.Module+"/") {
				t.Errorf("set %s: incomplete entry %+v", s.Name, e)
			}
		}
	}
}
