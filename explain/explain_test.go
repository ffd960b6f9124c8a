package explain

import (
	"bytes"
	"testing"

	"github.com/leakhound/leakhound/report"
)

// TestReportTwice checks that Report replaces what an earlier call
// explained: a report explained twice reads as one explained once, and one
// that reads no source keeps the diagnoses New gave it.
func TestReportTwice(t *testing.T) {
	text := func(r *report.Report) string {
		var b bytes.Buffer
		if err := r.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, name := range htmlGoldenKernels {
		r := buildGokerReport(t, name)
		once := text(r)
		Report(r, Options{})
		if twice := text(r); twice != once {
			t.Errorf("%s: explained twice:\n%s\nwant\n%s", name, twice, once)
		}
	}
	g := buildGokerReport(t, htmlGoldenKernels[0]).Groups[0]
	r := report.New([]report.Leak{{Goroutine: g.Stack}}, report.Options{NoSource: true})
	before := text(r)
	Report(r, Options{})
	if after := text(r); after != before {
		t.Errorf("a report without source changed:\n%s\nwant\n%s", after, before)
	}
}
