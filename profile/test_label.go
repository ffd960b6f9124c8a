package profile

import (
	"strconv"
	"strings"
)

// TestLabelKey is the pprof label leakhound puts on a checked test's
// goroutine; the runtime copies it to every goroutine started from there.
// Its value, made by TestLabelValue, is the test's name, '#', and a run
// number unique within the process, so dumps and profiles tell whose
// goroutines they hold.
const TestLabelKey = "leakhound.test"

// TestLabelValue returns the TestLabelKey value for run number run of the
// named test.
func TestLabelValue(test string, run uint64) string {
	return test + "#" + strconv.FormatUint(run, 10)
}

// TestOfLabel returns the test named by a TestLabelKey value: the value
// without its run number; a value without one is returned whole.
func TestOfLabel(value string) string {
	i := strings.LastIndexByte(value, '#')
	if i < 0 {
		return value
	}
	if _, err := strconv.ParseUint(value[i+1:], 10, 64); err != nil {
		return value
	}
	return value[:i]
}

// LabelledTest returns the test g's TestLabelKey label names, "" when g has
// none.
func (g *Goroutine) LabelledTest() string {
	v, ok := g.Labels[TestLabelKey]
	if !ok {
		return ""
	}
	return TestOfLabel(v)
}
