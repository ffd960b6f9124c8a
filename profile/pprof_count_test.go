package profile

import (
	"bytes"
	"testing"

	pprofile "github.com/google/pprof/profile"
)

// Records that stand for no goroutine (a zero or negative count) are not
// goroutines: they must not reach a report as empty groups.
func TestPprofRecordsOfNoGoroutine(t *testing.T) {
	t.Run("debug1", func(t *testing.T) {
		in := "goroutine profile: total 2\n0 @ 0x1\n#\t0x1\tmain.idle+0x1\t/src/main.go:3\n\n2 @ 0x2\n#\t0x2\tmain.wait+0x1\t/src/main.go:9\n"
		s, err := ParseBytes([]byte(in))
		if err != nil {
			t.Fatalf("ParseBytes: %v", err)
		}
		if len(s.Goroutines) != 1 || s.Goroutines[0].Count != 2 {
			t.Fatalf("got %d records (first count %d), want one record of 2 goroutines", len(s.Goroutines), firstCount(s))
		}
	})
	t.Run("proto", func(t *testing.T) {
		fn := &pprofile.Function{ID: 1, Name: "main.wait", Filename: "/src/main.go"}
		loc := &pprofile.Location{ID: 1, Address: 0x2, Line: []pprofile.Line{{Function: fn, Line: 9}}}
		p := &pprofile.Profile{
			SampleType: []*pprofile.ValueType{{Type: "goroutine", Unit: "count"}},
			Function:   []*pprofile.Function{fn},
			Location:   []*pprofile.Location{loc},
			Sample: []*pprofile.Sample{
				{Location: []*pprofile.Location{loc}, Value: []int64{0}},
				{Location: []*pprofile.Location{loc}, Value: []int64{-3}},
				{Location: []*pprofile.Location{loc}, Value: []int64{5}},
			},
		}
		var buf bytes.Buffer
		if err := p.Write(&buf); err != nil {
			t.Fatal(err)
		}
		s, err := ParseBytes(buf.Bytes())
		if err != nil {
			t.Fatalf("ParseBytes: %v", err)
		}
		if len(s.Goroutines) != 1 || s.Goroutines[0].Count != 5 {
			t.Fatalf("got %d records (first count %d), want one record of 5 goroutines", len(s.Goroutines), firstCount(s))
		}
	})
}

func firstCount(s *Snapshot) int {
	if len(s.Goroutines) == 0 {
		return 0
	}
	return s.Goroutines[0].Count
}
