package report

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// dumpLeaks is a dump in small: three goroutines blocked in one place, one
// the runtime proved leaked in another, and the running main goroutine.
func dumpLeaks() []Leak {
	blocked := func(id int64) *profile.Goroutine {
		return &profile.Goroutine{ID: id, State: "chan receive", Count: 1,
			Frames: []profile.Frame{{Func: "example.com/p.wait", File: "/p/wait.go", Line: 3}}}
	}
	return []Leak{
		{Goroutine: blocked(5)}, {Goroutine: blocked(6)}, {Goroutine: blocked(7)},
		{Goroutine: &profile.Goroutine{ID: 9, State: "chan send", Leaked: true, Count: 1,
			Frames: []profile.Frame{{Func: "example.com/p.send", File: "/p/send.go", Line: 8}}}},
		{Goroutine: &profile.Goroutine{ID: 1, State: "running", Count: 1,
			Frames: []profile.Frame{{Func: "main.main", File: "/p/main.go", Line: 12}}}},
	}
}

// TestDumpWording: in a dump, goroutines are blocked or running, only the
// proven ones are leaked, proven groups come first and a running goroutine
// gets no fix. ("42 goroutines leaked … 9 proven", proven last, and the
// "still running" fix for main, before.)
func TestDumpWording(t *testing.T) {
	r := New(dumpLeaks(), Options{Title: "dump.txt", Dump: true, NoSource: true})
	if r.Groups[0].Leaked == 0 {
		t.Errorf("the first group is %s, not the proven one", r.Groups[0].State)
	}
	for _, g := range r.Groups {
		if g.Reason == ReasonRunning && g.Diagnosis.PatternID != "" {
			t.Errorf("the running goroutine gets fix %s", g.Diagnosis.PatternID)
		}
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(text.String(), "\n")
	want := "leakhound: dump.txt — 4 goroutines blocked and 1 running in 3 groups; 1 proven leaked by the runtime"
	if first != want {
		t.Errorf("text header\n%q, want\n%q", first, want)
	}
	var html bytes.Buffer
	if err := r.WriteHTML(&html); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "<b>5</b> blocked goroutines") || strings.Contains(html.String(), "leaked goroutines") {
		t.Errorf("the HTML verdict does not call the goroutines blocked")
	}

	// What a test left behind stays leaked.
	text.Reset()
	New(dumpLeaks()[:3], Options{NoSource: true}).WriteText(&text)
	if !strings.Contains(text.String(), "3 goroutines leaked in 1 group") {
		t.Errorf("a check's report does not say leaked:\n%s", text.String())
	}
}

// TestDumpContextInEveryForm: why the dump was printed shows in the text,
// the HTML and the JSON report (HTML and JSON dropped it), and JSON reads it
// back.
func TestDumpContextInEveryForm(t *testing.T) {
	contexts := []struct {
		name string
		c    profile.Context
		want []string
	}{
		{"crash", profile.Context{Crash: "panic: boom"}, []string{"the process died with: panic: boom"}},
		{"signal", profile.Context{Crash: "SIGQUIT: quit", Signal: "SIGQUIT"}, []string{"the process died with: SIGQUIT: quit"}},
		{"timeout", profile.Context{Timeout: &profile.TestTimeout{After: "2s", Running: []profile.RunningTest{{Name: "TestA", Elapsed: "2s"}, {Name: "TestA/x/y", Elapsed: "1s"}}}},
			[]string{"test timed out after 2s while running TestA (2s), TestA/x/y (1s); goroutines these tests started are listed first"}},
	}
	for _, tt := range contexts {
		t.Run(tt.name, func(t *testing.T) {
			r := New(dumpLeaks(), Options{Dump: true, Context: tt.c, NoSource: true})
			if got := r.ContextLines(); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ContextLines = %q, want %q", got, tt.want)
			}
			var text, html, js bytes.Buffer
			if err := r.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			if err := r.WriteHTML(&html); err != nil {
				t.Fatal(err)
			}
			if err := r.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.HasPrefix(text.String(), w+"\n") {
					t.Errorf("the text report does not start with %q", w)
				}
				if !strings.Contains(html.String(), htmlEscape(w)) {
					t.Errorf("the HTML report lacks %q", w)
				}
				if !strings.Contains(js.String(), w) {
					t.Errorf("the JSON report lacks %q", w)
				}
			}
			doc, err := ReadJSON(&js)
			if err != nil {
				t.Fatal(err)
			}
			if got := doc.Reports[0]; !got.Dump || !reflect.DeepEqual(got.Context, tt.c) {
				t.Errorf("read back: dump %v, context %+v; want %+v", got.Dump, got.Context, tt.c)
			}
		})
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
