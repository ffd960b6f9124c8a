package profile

import (
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// oneFrame is a frame appended to a header so that the goroutine is whole.
const oneFrame = "main.f()\n\t/src/main.go:7 +0x19\n"

func parseText(t *testing.T, text string) *Snapshot {
	t.Helper()
	s, err := ParseBytes([]byte(text))
	if err != nil {
		t.Fatalf("ParseBytes(%q): %v", text, err)
	}
	if s.Format != FormatStack {
		t.Fatalf("Format = %q, want %q", s.Format, FormatStack)
	}
	return s
}

func TestHeaders(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   Goroutine // Frames, Count and Truncated are checked apart
	}{
		{"plain", "goroutine 19 [chan receive]:",
			Goroutine{ID: 19, State: "chan receive"}},
		{"nil chan stays in the state", "goroutine 21 [chan send (nil chan)]:",
			Goroutine{ID: 21, State: "chan send (nil chan)"}},
		{"no cases stays in the state", "goroutine 22 [select (no cases)]:",
			Goroutine{ID: 22, State: "select (no cases)"}},
		{"idle wait reason keeps its parentheses", "goroutine 2 [GC worker (idle)]:",
			Goroutine{ID: 2, State: "GC worker (idle)"}},
		{"leaked", "goroutine 22 [select (no cases) (leaked)]:",
			Goroutine{ID: 22, State: "select (no cases)", Leaked: true}},
		{"leaked nil chan", "goroutine 21 [chan send (nil chan) (leaked)]:",
			Goroutine{ID: 21, State: "chan send (nil chan)", Leaked: true}},
		{"leaked while scanned", "goroutine 23 [sync.WaitGroup.Wait (leaked) (scan)]:",
			Goroutine{ID: 23, State: "sync.WaitGroup.Wait", Leaked: true}},
		{"durable in a bubble", "goroutine 7 [chan receive (durable), synctest bubble 1]:",
			Goroutine{ID: 7, State: "chan receive", Durable: true, Bubble: 1}},
		{"durable select with minutes", "goroutine 8 [select (durable), 3 minutes, synctest bubble 12]:",
			Goroutine{ID: 8, State: "select", Durable: true, WaitMinutes: 3, Bubble: 12}},
		{"bubble without durable", "goroutine 9 [running, synctest bubble 4]:",
			Goroutine{ID: 9, State: "running", Bubble: 4}},
		{"minutes and locked", "goroutine 5 [chan receive, 5 minutes, locked to thread]:",
			Goroutine{ID: 5, State: "chan receive", WaitMinutes: 5, LockedToThread: true}},
		{"locked only", "goroutine 33 [chan receive, locked to thread]:",
			Goroutine{ID: 33, State: "chan receive", LockedToThread: true}},
		{"crash gp and m", "goroutine 8 gp=0xc000007c00 m=6 mp=0xc000100008 [running]:",
			Goroutine{ID: 8, State: "running"}},
		{"crash m=nil", "goroutine 3 gp=0x211c27f68d20 m=nil [GC sweep wait]:",
			Goroutine{ID: 3, State: "GC sweep wait"}},
		{"unknown attribute is skipped", "goroutine 4 [chan receive, something new, locked to thread]:",
			Goroutine{ID: 4, State: "chan receive", LockedToThread: true}},

		// Go 1.26 with GODEBUG=tracebacklabels=1: inside the brackets, quoted.
		{"1.26 labels with brackets and separators in a value",
			`goroutine 19 [chan receive labels:{"k": "v ]}, : x", "user id": "42"}]:`,
			Goroutine{ID: 19, State: "chan receive", Labels: map[string]string{"k": "v ]}, : x", "user id": "42"}}},
		{"1.26 labels with escapes",
			`goroutine 19 [chan receive labels:{"q": "a \"b\" \\ c\n", "u": "\u00e9\t\x01"}]:`,
			Goroutine{ID: 19, State: "chan receive", Labels: map[string]string{"q": "a \"b\" \\ c\n", "u": "é\t\x01"}}},
		{"1.26 labels after leaked",
			`goroutine 19 [chan receive (leaked) labels:{"a": "b"}]:`,
			Goroutine{ID: 19, State: "chan receive", Leaked: true, Labels: map[string]string{"a": "b"}}},
		{"1.26 labels after minutes and bubble",
			`goroutine 19 [chan receive (durable), 2 minutes, synctest bubble 3 labels:{"a": "]"}]:`,
			Goroutine{ID: 19, State: "chan receive", Durable: true, WaitMinutes: 2, Bubble: 3, Labels: map[string]string{"a": "]"}}},
		{"1.26 label key that looks like a marker",
			`goroutine 19 [chan receive labels:{"(leaked)": ", locked to thread"}]:`,
			Goroutine{ID: 19, State: "chan receive", Labels: map[string]string{"(leaked)": ", locked to thread"}}},

		// Go 1.27: after the brackets, quoted only when needed.
		{"1.27 labels",
			`goroutine 19 [chan receive] {k: "v ]}, : x", "user id": 42}:`,
			Goroutine{ID: 19, State: "chan receive", Labels: map[string]string{"k": "v ]}, : x", "user id": "42"}}},
		{"1.27 labels after leaked",
			`goroutine 19 [chan receive (leaked)] {a: b}:`,
			Goroutine{ID: 19, State: "chan receive", Leaked: true, Labels: map[string]string{"a": "b"}}},
		{"1.27 bare path-like tokens",
			`goroutine 19 [IO wait, 7 minutes] {handler: /api/v1.users_list, span: 0.5}:`,
			Goroutine{ID: 19, State: "IO wait", WaitMinutes: 7, Labels: map[string]string{"handler": "/api/v1.users_list", "span": "0.5"}}},
		{"1.27 empty key and value are printed bare",
			`goroutine 19 [sleep] {k: , : x}:`,
			Goroutine{ID: 19, State: "sleep", Labels: map[string]string{"k": "", "": "x"}}},
		{"1.27 non-ASCII is escaped",
			`goroutine 19 [sleep] {"\u00e9t\u00e9": "\U0001f600"}:`,
			Goroutine{ID: 19, State: "sleep", Labels: map[string]string{"été": "😀"}}},
		{"1.27 labels with gp and markers",
			`goroutine 8 gp=0xc000007c00 m=nil [chan send (nil chan) (leaked), locked to thread] {x: "1 2"}:`,
			Goroutine{ID: 8, State: "chan send (nil chan)", Leaked: true, LockedToThread: true, Labels: map[string]string{"x": "1 2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parseText(t, tt.header+"\n"+oneFrame)
			if len(s.Goroutines) != 1 {
				t.Fatalf("%d goroutines, want 1; Text: %q", len(s.Goroutines), s.Text)
			}
			g := *s.Goroutines[0]
			if g.Count != 1 || g.Truncated || len(g.Frames) != 1 {
				t.Errorf("Count=%d Truncated=%v frames=%d, want 1, false, 1", g.Count, g.Truncated, len(g.Frames))
			}
			g.Frames, g.Count = nil, 0
			if !maps.Equal(g.Labels, tt.want.Labels) || (g.Labels == nil) != (tt.want.Labels == nil) {
				t.Errorf("Labels = %#v, want %#v", g.Labels, tt.want.Labels)
			}
			g.Labels, tt.want.Labels = nil, nil
			if !reflect.DeepEqual(g, tt.want) {
				t.Errorf("got  %+v\nwant %+v", g, tt.want)
			}
		})
	}
}

func TestNotAHeader(t *testing.T) {
	for _, line := range []string{
		"goroutine 5 is blocked",
		"goroutine [running]:",
		"goroutine 5 [running]",
		"goroutine 5 [running]: trailing",
		`goroutine 5 [running labels:{"a": "b"]:`,
		`goroutine 5 [running] {a: "b}:`,
		"goroutine 99999999999999999999 [running]:",
	} {
		t.Run(line, func(t *testing.T) {
			s, err := ParseBytes([]byte(line + "\n" + oneFrame))
			if !errors.Is(err, ErrNoGoroutines) {
				t.Fatalf("err = %v, goroutines %d; want ErrNoGoroutines", err, len(s.Goroutines))
			}
			if len(s.Text) == 0 || s.Text[0] != line {
				t.Errorf("Text = %q, want the line kept first", s.Text)
			}
		})
	}
}

func TestFrameLines(t *testing.T) {
	tests := []struct {
		call, pos string
		want      Frame
	}{
		{"main.main()", "\t/src/main.go:31 +0x25c", Frame{"main.main", "/src/main.go", 31}},
		{"net/http.(*conn).serve(0xc000150000, {0x7a5f80, 0xc0001a2000})", "\t/go/src/net/http/server.go:2092 +0x612",
			Frame{"net/http.(*conn).serve", "/go/src/net/http/server.go", 2092}},
		{"internal/sync.(*Mutex).Lock(...)", "\t/go/src/internal/sync/mutex.go:70",
			Frame{"internal/sync.(*Mutex).Lock", "/go/src/internal/sync/mutex.go", 70}},
		{"main.genericWait[...](...)", "\t/src/g.go:66", Frame{"main.genericWait[...]", "/src/g.go", 66}},
		{"example.com/m/pkg.(*Cache[...]).Get(0x0?, {0x1, 0x2})", "\t/src/c.go:9 +0x1",
			Frame{"example.com/m/pkg.(*Cache[...]).Get", "/src/c.go", 9}},
		{"main.(*waiter).wait-fm(0x0?)", "\t<autogenerated>:1 +0x25", Frame{"main.(*waiter).wait-fm", "<autogenerated>", 1}},
		{"main.main.gowrap1()", "\t/src/main.go:20 +0x1c", Frame{"main.main.gowrap1", "/src/main.go", 20}},
		{"main.main.func1.2()", "\t/src/main.go:5 +0x1", Frame{"main.main.func1.2", "/src/main.go", 5}},
		{"main.valueWaiter.wait(...)", "\t/src/w.go:61", Frame{"main.valueWaiter.wait", "/src/w.go", 61}},
		{"panic({0x496b20?, 0x550c60?})", "\t/go/src/runtime/panic.go:879 +0x16f fp=0x90fc0690ea0 sp=0x90fc0690df0 pc=0x47746f",
			Frame{"panic", "/go/src/runtime/panic.go", 879}},
		{"runtime.goexit({})", "\t/go/src/runtime/asm_amd64.s:1771 +0x1 fp=0x1 sp=0x2 pc=0x3",
			Frame{"runtime.goexit", "/go/src/runtime/asm_amd64.s", 1771}},
		{"main.f()", `	C:\Users\dev\app\main.go:12 +0x1d`, Frame{"main.f", `C:\Users\dev\app\main.go`, 12}},
		{"main.f()", "\tC:/Users/dev/app/main.go:12", Frame{"main.f", "C:/Users/dev/app/main.go", 12}},
		{"main.f()", "        /pasted/with/spaces.go:5 +0x1", Frame{"main.f", "/pasted/with/spaces.go", 5}},
		{"main.main()", "\t_testmain.go:46 +0x9b", Frame{"main.main", "_testmain.go", 46}},
		{"main.f()", "\t/dir with space/a:b/main.go:8 +0x2", Frame{"main.f", "/dir with space/a:b/main.go", 8}},
	}
	for _, tt := range tests {
		t.Run(tt.call, func(t *testing.T) {
			s := parseText(t, "goroutine 1 [running]:\n"+tt.call+"\n"+tt.pos+"\n")
			g := s.Goroutines[0]
			if len(g.Frames) != 1 || g.Frames[0] != tt.want {
				t.Errorf("Frames = %+v, want [%+v]", g.Frames, tt.want)
			}
		})
	}
}

func TestSections(t *testing.T) {
	const dump = `panic: boom
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4899a8]

goroutine 1 [running]:
main.main()
	/src/main.go:35 +0x1b8

goroutine 19 [chan receive]:
main.rec(...)
	/src/main.go:12
...56 frames elided...
main.rec(0x96, 0x1)
	/src/main.go:15 +0x2a
created by main.main in goroutine 1
	/src/main.go:20 +0x66
[originating from goroutine 1]:
main.main(...)
	/src/main.go:21 +0x66

goroutine 5 [running]:
testing.(*M).startAlarm.func1()
	/go/src/testing/testing.go:2802 +0x354
created by time.goFunc
	/go/src/time/sleep.go:215 +0x2d

goroutine 21 gp=0xc000003 m=4 mp=0xc00010 [running]:
	goroutine running on other thread; stack unavailable
created by main.main in goroutine 1
	/src/main.go:25 +0xb1

goroutine 30 [chan receive]:
main.child()
	/src/c.go:3 +0x1
created by main.parent in goroutine 29
	/src/p.go:9 +0x2
[originating from goroutine 29]:
main.parent(...)
	/src/p.go:9 +0x2
...additional frames elided...
created by main.grand
	/src/g.go:4 +0x3
[originating from goroutine 28]:
main.grand(...)
	/src/g.go:4 +0x3
rax    0x0
rbx    0x1
exit status 2
FAIL	example.com/p	2.012s
`
	s := parseText(t, dump)
	if got := len(s.Goroutines); got != 5 {
		t.Fatalf("%d goroutines, want 5", got)
	}
	g1, g19, g5, g21, g30 := s.Goroutines[0], s.Goroutines[1], s.Goroutines[2], s.Goroutines[3], s.Goroutines[4]
	if g1.ID != 1 || g1.CreatedBy != nil || g1.ParentID != 0 {
		t.Errorf("goroutine 1: %+v", g1)
	}
	if g19.ElidedFrames != 56 || len(g19.Frames) != 2 || g19.Frames[1] != (Frame{"main.rec", "/src/main.go", 15}) {
		t.Errorf("goroutine 19: elided %d, frames %+v", g19.ElidedFrames, g19.Frames)
	}
	if g19.CreatedBy == nil || *g19.CreatedBy != (Frame{"main.main", "/src/main.go", 20}) || g19.ParentID != 1 {
		t.Errorf("goroutine 19 created by %+v in %d", g19.CreatedBy, g19.ParentID)
	}
	wantAnc := []Ancestor{{ID: 1, Frames: []Frame{{"main.main", "/src/main.go", 21}}}}
	if !reflect.DeepEqual(g19.Ancestors, wantAnc) {
		t.Errorf("goroutine 19 ancestors = %+v, want %+v", g19.Ancestors, wantAnc)
	}
	if g5.CreatedBy == nil || g5.CreatedBy.Func != "time.goFunc" || g5.ParentID != 0 {
		t.Errorf("goroutine 5 created by %+v in %d, want time.goFunc and no parent", g5.CreatedBy, g5.ParentID)
	}
	if !g21.StackUnavailable || g21.Truncated || len(g21.Frames) != 0 || g21.CreatedBy == nil {
		t.Errorf("goroutine 21: %+v", g21)
	}
	wantAnc = []Ancestor{
		{ID: 29, Frames: []Frame{{"main.parent", "/src/p.go", 9}}, CreatedBy: &Frame{"main.grand", "/src/g.go", 4}},
		{ID: 28, Frames: []Frame{{"main.grand", "/src/g.go", 4}}},
	}
	if !reflect.DeepEqual(g30.Ancestors, wantAnc) || g30.ParentID != 29 || g30.Truncated {
		t.Errorf("goroutine 30: ancestors %+v, parent %d, truncated %v", g30.Ancestors, g30.ParentID, g30.Truncated)
	}
	wantText := []string{
		"panic: boom",
		"[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4899a8]",
		"rax    0x0",
		"rbx    0x1",
		"exit status 2",
		"FAIL\texample.com/p\t2.012s",
	}
	if !reflect.DeepEqual(s.Text, wantText) {
		t.Errorf("Text = %q\nwant %q", s.Text, wantText)
	}
}

func TestCutInput(t *testing.T) {
	const whole = "goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1\n\n"
	tests := []struct {
		name      string
		text      string
		wantIDs   []int64
		wantCut   int64 // ID of the goroutine marked Truncated; -1 for none
		wantFrame int   // frames of the last goroutine
	}{
		{"call without its position", whole + "goroutine 7 [chan receive]:\nmain.a()\n\t/src/a.go:1 +0x1\nmain.b()\n", []int64{1, 7}, 7, 1},
		{"call cut in its name", whole + "goroutine 7 [chan receive]:\nmain.a()\n\t/src/a.go:1 +0x1\nmain.b", []int64{1, 7}, 7, 1},
		{"position cut before the line number", whole + "goroutine 7 [chan receive]:\nmain.a()\n\t/src/a.g", []int64{1, 7}, 7, 0},
		{"line number possibly cut", whole + "goroutine 7 [chan receive]:\nmain.a()\n\t/src/a.go:1 +0x1\nmain.b()\n\t/src/b.go:4", []int64{1, 7}, 7, 1},
		{"header cut in the state", whole + "goroutine 7 [chan rec", []int64{1, 7}, 7, 0},
		{"header cut in the labels", whole + `goroutine 7 [chan receive] {a: "x`, []int64{1, 7}, 7, 0},
		{"header cut in the ID", whole + "goroutine 4", []int64{1}, -1, 1},
		{"header without frames", whole + "goroutine 7 [chan receive]:\n", []int64{1, 7}, 7, 0},
		{"created by without position", whole + "goroutine 7 [chan receive]:\nmain.a()\n\t/src/a.go:1 +0x1\ncreated by main.main in goroutine 1\n", []int64{1, 7}, 7, 1},
		{"cut goroutine followed by another", "goroutine 7 [chan receive]:\nmain.a()\n" + whole, []int64{7, 1}, 7, 1},
		{"whole", whole, []int64{1}, -1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parseText(t, tt.text)
			var ids []int64
			for _, g := range s.Goroutines {
				ids = append(ids, g.ID)
				if g.Truncated != (g.ID == tt.wantCut) {
					t.Errorf("goroutine %d: Truncated = %v", g.ID, g.Truncated)
				}
			}
			if !reflect.DeepEqual(ids, tt.wantIDs) {
				t.Fatalf("IDs = %v, want %v", ids, tt.wantIDs)
			}
			last := s.Goroutines[len(s.Goroutines)-1]
			if len(last.Frames) != tt.wantFrame {
				t.Errorf("last goroutine has %d frames, want %d", len(last.Frames), tt.wantFrame)
			}
			if tt.wantCut >= 0 {
				cut := s.Goroutines[0]
				if tt.wantCut != cut.ID {
					cut = last
				}
				if cut.CreatedBy != nil {
					t.Errorf("the cut goroutine has CreatedBy %+v from an incomplete line", cut.CreatedBy)
				}
			}
		})
	}
}

func TestLineEndings(t *testing.T) {
	unix := "goroutine 3 [chan receive] {a: b}:\nmain.f(...)\n\t/src/f.go:9\ncreated by main.main in goroutine 1\n\t/src/main.go:4 +0x2\n"
	for name, text := range map[string]string{
		"CRLF":               strings.ReplaceAll(unix, "\n", "\r\n"),
		"no final newline":   strings.TrimSuffix(unix, "\n"),
		"blank lines around": "\n\n" + unix + "\n\n\n",
	} {
		t.Run(name, func(t *testing.T) {
			s := parseText(t, text)
			g := s.Goroutines[0]
			want := Goroutine{ID: 3, State: "chan receive", Labels: map[string]string{"a": "b"}, Count: 1,
				Frames:    []Frame{{"main.f", "/src/f.go", 9}},
				CreatedBy: &Frame{"main.main", "/src/main.go", 4}, ParentID: 1}
			if len(s.Goroutines) != 1 || !reflect.DeepEqual(*g, want) {
				t.Errorf("got %+v\nwant %+v", *g, want)
			}
		})
	}
}

func TestEmptyAndGoroutineless(t *testing.T) {
	for _, in := range []string{"", " \n\t\r\n"} {
		if _, err := ParseBytes([]byte(in)); !errors.Is(err, ErrEmpty) {
			t.Errorf("ParseBytes(%q) error = %v, want ErrEmpty", in, err)
		}
	}
	s, err := ParseBytes([]byte("PASS\nok  \texample.com/p\t0.01s\n"))
	if !errors.Is(err, ErrNoGoroutines) {
		t.Fatalf("error = %v, want ErrNoGoroutines", err)
	}
	if len(s.Text) != 2 {
		t.Errorf("Text = %q, want both lines", s.Text)
	}
}

func TestInterning(t *testing.T) {
	// Capture reads dumps of 100k goroutines: a name printed for each must
	// be stored once.
	var b strings.Builder
	for i := range 3 {
		b.WriteString("goroutine ")
		b.WriteByte(byte('1' + i))
		b.WriteString(" [chan receive]:\nmain.worker(...)\n\t/src/w.go:5\n\n")
	}
	s := parseText(t, b.String())
	a, c := s.Goroutines[0].Frames[0], s.Goroutines[2].Frames[0]
	if a.Func != c.Func || a.File != c.File {
		t.Fatalf("frames differ: %+v %+v", a, c)
	}
	if unsafe.StringData(a.Func) != unsafe.StringData(c.Func) || unsafe.StringData(a.File) != unsafe.StringData(c.File) {
		t.Errorf("identical names are stored more than once")
	}
}
