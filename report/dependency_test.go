package report

import (
	"html"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// TestDependencyFix: a goroutine that blocks and starts in a dependency
// gets the ignore option and the baseline line, ready to paste, and the
// user's call that started it; the user's own goroutines and the standard
// library's do not.
func TestDependencyFix(t *testing.T) {
	const root = "/home/u/app"
	dep := "/home/u/go/pkg/mod/github.com/acme/metrics@v1.2.0/"
	loop := profile.Frame{Func: "github.com/acme/metrics.(*Reporter).loop", File: dep + "reporter.go", Line: 88}
	start := profile.Frame{Func: "github.com/acme/metrics.NewReporter", File: dep + "reporter.go", Line: 40}
	userCall := profile.Frame{Func: "example.com/app/server.New", File: root + "/server/server.go", Line: 21}
	sleep := profile.Frame{Func: "time.Sleep", File: "/usr/local/go/src/runtime/time.go", Line: 300}
	gopark := profile.Frame{Func: "runtime.gopark", File: "/usr/local/go/src/runtime/proc.go", Line: 435}
	userBlock := profile.Frame{Func: "example.com/app/server.worker", File: root + "/server/server.go", Line: 30}
	tests := []struct {
		name string
		g    *Group
		want []string // in the text; none means no dependency fix
	}{
		{
			name: "dependency's loop, started by the user's call",
			g: &Group{Reason: ReasonSelect, Count: 1, Block: loop, CreatedBy: &start, Origin: &userCall, OriginFrom: OriginAncestors,
				Stack: &profile.Goroutine{Frames: []profile.Frame{gopark, loop}}},
			want: []string{
				`leakcheck.IgnoreTopFunction("github.com/acme/metrics.(*Reporter).loop")`,
				"Started by your call at server/server.go:21 in server.New",
			},
		},
		{
			name: "dependency sleeping: the top is the standard library's",
			g: &Group{Reason: ReasonSleep, Count: 1, Block: loop, CreatedBy: &start,
				Stack: &profile.Goroutine{Frames: []profile.Frame{gopark, sleep, loop}}},
			want: []string{`leakcheck.IgnoreAnyFunction("github.com/acme/metrics.(*Reporter).loop")`},
		},
		{
			name: "the user's goroutine",
			g:    &Group{Reason: ReasonChanReceive, Count: 1, Block: userBlock, CreatedBy: &userCall},
		},
		{
			name: "dependency code started by the user's go statement",
			g:    &Group{Reason: ReasonSelect, Count: 1, Block: loop, CreatedBy: &userCall},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Report{ModuleRoot: root, Total: 1, Groups: []*Group{tt.g}}
			var b strings.Builder
			if err := r.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			var page strings.Builder
			if err := r.WriteHTML(&page); err != nil {
				t.Fatal(err)
			}
			for form, text := range map[string]string{"text": b.String(), "HTML": html.UnescapeString(page.String())} {
				if len(tt.want) == 0 {
					if strings.Contains(text, dependencyIntro) {
						t.Errorf("%s: a fix for a dependency's goroutine offered for this group:\n%s", form, text)
					}
					continue
				}
				for _, want := range append(tt.want, dependencyIntro, tt.g.BaselineLine(tt.g.Count), tt.g.Fingerprint()) {
					if !strings.Contains(text, want) {
						t.Errorf("%s: the report lacks %q:\n%s", form, want, text)
					}
				}
			}
		})
	}
}
