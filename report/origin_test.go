package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

func TestOrigin(t *testing.T) {
	const root = "/src/app"
	wgGo := &profile.Frame{Func: "sync.(*WaitGroup).Go", File: "/go/src/sync/waitgroup.go", Line: 238}
	worker := profile.Frame{Func: "example.com/app/pool.worker", File: "/src/app/pool/pool.go", Line: 40}
	newPool := profile.Frame{Func: "example.com/app/pool.New", File: "/src/app/pool/pool.go", Line: 22}
	testFn := profile.Frame{Func: "example.com/app/pool.TestPool", File: "/src/app/pool/pool_test.go", Line: 9}
	wgFunc := profile.Frame{Func: "sync.(*WaitGroup).Go.func1", File: "/go/src/sync/waitgroup.go", Line: 239}
	tests := []struct {
		name     string
		g        *profile.Goroutine
		want     *profile.Frame
		wantFrom string
	}{
		{
			name: "the user's own go statement has no origin",
			g:    &profile.Goroutine{Frames: []profile.Frame{worker}, CreatedBy: &newPool},
		},
		{
			name: "WaitGroup.Go with ancestors: the call that led there",
			g: &profile.Goroutine{
				Frames: []profile.Frame{worker, wgFunc}, CreatedBy: wgGo,
				Ancestors: []profile.Ancestor{{ID: 5, Frames: []profile.Frame{*wgGo, newPool, testFn}}},
			},
			want: &newPool, wantFrom: OriginAncestors,
		},
		{
			name: "WaitGroup.Go without ancestors: the function handed to it",
			g:    &profile.Goroutine{Frames: []profile.Frame{worker, wgFunc}, CreatedBy: wgGo},
			want: &worker, wantFrom: OriginEntry,
		},
		{
			name: "errgroup is a helper too",
			g: &profile.Goroutine{
				Frames:    []profile.Frame{worker, {Func: "golang.org/x/sync/errgroup.(*Group).Go.func1", File: "/m/errgroup.go", Line: 93}},
				CreatedBy: &profile.Frame{Func: "golang.org/x/sync/errgroup.(*Group).Go", File: "/m/errgroup.go", Line: 78},
			},
			want: &worker, wantFrom: OriginEntry,
		},
		{
			name: "net/http server: the user's frame two ancestors up",
			g: &profile.Goroutine{
				Frames:    []profile.Frame{{Func: "net/http.(*conn).serve", File: "/go/src/net/http/server.go", Line: 2000}},
				CreatedBy: &profile.Frame{Func: "net/http.(*Server).Serve", File: "/go/src/net/http/server.go", Line: 3400},
				Ancestors: []profile.Ancestor{
					{ID: 7, Frames: []profile.Frame{{Func: "net/http.(*Server).Serve", File: "/go/src/net/http/server.go", Line: 3400}}},
					{ID: 6, Frames: []profile.Frame{{Func: "net/http/httptest.(*Server).goServe", File: "/go/src/net/http/httptest/server.go", Line: 300}, {Func: "net/http/httptest.NewServer", File: "/go/src/net/http/httptest/server.go", Line: 80}, testFn}},
				},
			},
			want: &testFn, wantFrom: OriginAncestors,
		},
		{
			name: "net/http server without ancestors and no user frame: none",
			g: &profile.Goroutine{
				Frames:    []profile.Frame{{Func: "net/http.(*conn).serve", File: "/go/src/net/http/server.go", Line: 2000}},
				CreatedBy: &profile.Frame{Func: "net/http.(*Server).Serve", File: "/go/src/net/http/server.go", Line: 3400},
			},
		},
		{
			name: "a dependency's go statement leads to the user's module",
			g: &profile.Goroutine{
				Frames:    []profile.Frame{{Func: "example.org/lib.(*Batcher).run", File: "/home/u/go/pkg/mod/example.org/lib@v1.0.0/batch.go", Line: 50}},
				CreatedBy: &profile.Frame{Func: "example.org/lib.NewBatcher", File: "/home/u/go/pkg/mod/example.org/lib@v1.0.0/batch.go", Line: 30},
				Ancestors: []profile.Ancestor{{ID: 9, Frames: []profile.Frame{{Func: "example.org/lib.NewBatcher", File: "/home/u/go/pkg/mod/example.org/lib@v1.0.0/batch.go", Line: 30}, testFn}}},
			},
			want: &testFn, wantFrom: OriginAncestors,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, from := origin(tt.g, root)
			switch {
			case (got == nil) != (tt.want == nil):
				t.Fatalf("origin = %v, want %v", got, tt.want)
			case got != nil && *got != *tt.want:
				t.Errorf("origin = %+v, want %+v", *got, *tt.want)
			}
			if from != tt.wantFrom {
				t.Errorf("found by %q, want %q", from, tt.wantFrom)
			}
		})
	}
}

// TestOriginRendered checks that text, HTML and JSON show the origin next
// to the raw creator, and that JSON reads it back.
func TestOriginRendered(t *testing.T) {
	wgGo := profile.Frame{Func: "sync.(*WaitGroup).Go", File: "/go/src/sync/waitgroup.go", Line: 238}
	g := &profile.Goroutine{
		ID: 12, State: "chan receive",
		Frames: []profile.Frame{
			{Func: "example.com/app/pool.worker", File: "/src/app/pool/pool.go", Line: 40},
			{Func: "sync.(*WaitGroup).Go.func1", File: "/go/src/sync/waitgroup.go", Line: 239},
		},
		CreatedBy: &wgGo,
		Ancestors: []profile.Ancestor{{ID: 5, Frames: []profile.Frame{wgGo, {Func: "example.com/app/pool.New", File: "/src/app/pool/pool.go", Line: 22}}}},
	}
	r := New([]Leak{{Goroutine: g, Test: "TestPool"}}, Options{Title: "TestPool", ModuleRoot: "/src/app", NoSource: true})
	var text, page, js bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ format, out, want string }{
		{"text", text.String(), "created at sync/waitgroup.go:238 by sync.(*WaitGroup).Go\n    from your code: pool/pool.go:22 in pool.New\n"},
		{"HTML", page.String(), "From your code"},
		{"HTML", page.String(), "pool/pool.go:22"},
		{"JSON", js.String(), `"origin_from":"ancestors"`},
	} {
		if !strings.Contains(strings.ReplaceAll(c.out, `": "`, `":"`), c.want) {
			t.Errorf("%s lacks %q:\n%s", c.format, c.want, c.out)
		}
	}
	doc, err := ReadJSON(&js)
	if err != nil {
		t.Fatal(err)
	}
	if back := doc.Reports[0].Groups[0]; back.Origin == nil || *back.Origin != *r.Groups[0].Origin || back.OriginFrom != OriginAncestors {
		t.Errorf("JSON read back origin %+v from %q", back.Origin, back.OriginFrom)
	}
}
