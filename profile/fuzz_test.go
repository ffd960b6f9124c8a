package profile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzParse feeds arbitrary bytes to ParseBytes. Whatever the input, it
// must not panic, must not report success without goroutines, must fill
// only sane values, and must read the same input the same way twice.
//
// Seeds are in testdata/fuzz/FuzzParse: small real dumps of each kind and
// cut ones. Run it with
//
//	go test -run='^$' -fuzz=FuzzParse -fuzztime=5m ./profile/
func FuzzParse(f *testing.F) {
	f.Add([]byte("goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1\n"))
	f.Add([]byte(`goroutine 19 [chan receive (leaked) labels:{"k": "v ]}, : x"}]:` + "\nmain.f(...)\n\t/src/f.go:9\n"))
	f.Add([]byte(`goroutine 19 [chan receive] {k: "v ]}, : x", "user id": 42}:` + "\nmain.f(...)\n\t/src/f.go:9\n"))
	f.Add([]byte("goroutine 7 [chan receive (durable), synctest bubble 1]:\nmain.a()\n"))
	// Pasted and compressed forms: indented, behind a log's timestamps,
	// gzipped.
	f.Add([]byte("    goroutine 1 [running]:\n    main.main()\n    \t/src/main.go:3 +0x1\n"))
	f.Add([]byte("2026/11/27 10:00:00 goroutine 1 [running]:\n2026/11/27 10:00:00 main.main()\n2026/11/27 10:00:01 \t/src/main.go:3 +0x1\n"))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1\n"))
	zw.Close()
	f.Add(gz.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseBytes(data)
		if err == nil {
			if s == nil || len(s.Goroutines) == 0 {
				t.Fatalf("no error and no goroutine: %+v", s)
			}
		}
		if s != nil {
			for i, g := range s.Goroutines {
				checkSane(t, i, g)
			}
		}
		s2, err2 := ParseBytes(data)
		if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("errors differ between two reads: %v, then %v", err, err2)
		}
		if !reflect.DeepEqual(s, s2) {
			t.Fatalf("two reads of the same input differ:\n%+v\n%+v", s, s2)
		}
	})
}

// FuzzParseText is FuzzParse for the text readers alone (runtime.Stack
// style and go test -json), whatever the dispatcher would pick, seeded with
// the beginnings of the corpus dumps. It keeps fuzzing them when another
// reader trips FuzzParse first.
//
//	go test -run='^$' -fuzz=FuzzParseText -fuzztime=5m ./profile/
func FuzzParseText(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "dumps", "*", "*.txt"))
	jsons, _ := filepath.Glob(filepath.Join("testdata", "dumps", "*", "*.json"))
	for _, p := range append(paths, jsons...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data[:min(len(data), 4096)])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, parse := range []func([]byte) (*Snapshot, error){parseStack, parseTestJSON} {
			s, err := parse(data)
			if err != nil || s == nil {
				t.Fatalf("the text readers never fail, got %v, %v", s, err)
			}
			for i, g := range s.Goroutines {
				checkSane(t, i, g)
			}
			s2, _ := parse(data)
			if !reflect.DeepEqual(s, s2) {
				t.Fatalf("two reads of the same input differ:\n%+v\n%+v", s, s2)
			}
		}
	})
}

func checkSane(t *testing.T, i int, g *Goroutine) {
	t.Helper()
	if g == nil {
		t.Fatalf("goroutine %d is nil", i)
	}
	if g.Count < 1 || g.ID < 0 || g.ParentID < 0 || g.Bubble < 0 || g.WaitMinutes < 0 || g.ElidedFrames < 0 {
		t.Fatalf("goroutine %d has a negative or zero count field: %+v", i, g)
	}
	frames := append([]Frame(nil), g.Frames...)
	if g.CreatedBy != nil {
		frames = append(frames, *g.CreatedBy)
	}
	for _, a := range g.Ancestors {
		if a.ID < 0 {
			t.Fatalf("goroutine %d has an ancestor with ID %d", i, a.ID)
		}
		frames = append(frames, a.Frames...)
		if a.CreatedBy != nil {
			frames = append(frames, *a.CreatedBy)
		}
	}
	for _, f := range frames {
		if f.Line < 0 {
			t.Fatalf("goroutine %d has a frame at line %d: %+v", i, f.Line, f)
		}
	}
}

// FuzzParseWrapped checks that a dump reads the same when it comes gzipped,
// or pasted with every line indented (as from an issue or a log), as it
// does plain. It is FuzzParse's seeds and the corpus dumps' beginnings.
//
//	go test -run='^$' -fuzz=FuzzParseWrapped -fuzztime=5m ./profile/
func FuzzParseWrapped(f *testing.F) {
	f.Add([]byte("goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1\n"))
	f.Add([]byte("panic: x\n\ngoroutine 7 [chan receive]:\nmain.f()\n\t/src/f.go:9\ncreated by main.main in goroutine 1\n\t/src/m.go:3 +0x1\n"))
	paths, _ := filepath.Glob(filepath.Join("testdata", "dumps", "*", "*.txt"))
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data[:min(len(data), 4096)])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if isGzip(data) || len(data) > 64<<10 {
			return // gzip in gzip is refused; chunked checks differ above a chunk
		}
		plain, err := ParseBytes(data)
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(data)
		zw.Close()
		zipped, zerr := ParseBytes(gz.Bytes())
		if err == nil {
			if zerr != nil || !reflect.DeepEqual(plain, zipped) {
				t.Fatalf("gzipped, the dump reads differently: %v\n%+v\n%+v", zerr, plain, zipped)
			}
		} else if errors.Is(err, ErrEmpty) != errors.Is(zerr, ErrEmpty) || errors.Is(err, ErrNoGoroutines) != errors.Is(zerr, ErrNoGoroutines) {
			t.Fatalf("gzipped, the error differs: %v, then %v", err, zerr)
		}

		if err != nil || plain.Format != FormatStack || linePrefix(data) != nil {
			return
		}
		var indented bytes.Buffer
		for _, line := range bytes.SplitAfter(data, []byte("\n")) {
			if len(line) > 0 {
				indented.WriteString("    ")
				indented.Write(line)
			}
		}
		pasted, perr := ParseBytes(indented.Bytes())
		if perr != nil || !reflect.DeepEqual(plain, pasted) {
			t.Fatalf("indented, the dump reads differently: %v\n%+v\n%+v", perr, plain, pasted)
		}
	})
}
