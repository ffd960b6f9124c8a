package profile

import (
	"strconv"
	"strings"
)

// stackKey identifies a stack for matching goroutines across snapshots: the
// function, file and line of each frame, innermost first. The runtime's own
// frames are left out because each format shows a different selection of
// them: traceback text hides unexported runtime functions, debug=1 profile
// text hides those at the top of a stack, and profile.proto keeps them all.
// depth > 0 keeps only that many frames.
func stackKey(frames []Frame, depth int) string {
	var b strings.Builder
	n := 0
	for _, f := range frames {
		if f.Runtime() {
			continue
		}
		if depth > 0 && n == depth {
			break
		}
		n++
		b.WriteString(f.Func)
		b.WriteByte(0)
		b.WriteString(f.File)
		b.WriteByte(0)
		b.WriteString(strconv.Itoa(f.Line))
		b.WriteByte('\n')
	}
	return b.String()
}

// recordCount is how many goroutines a record stands for; a record without
// a count is one goroutine.
func recordCount(g *Goroutine) int {
	if g.Count <= 0 {
		return 1
	}
	return g.Count
}
