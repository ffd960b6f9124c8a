package report

import (
	"fmt"
	"strconv"
	"strings"
)

// htmlSpark is a group's Trend drawn as a small line: an SVG polyline
// whose points are numbers this package formats, nothing from the input.
type htmlSpark struct {
	W, H   int
	Points string
	Label  string
}

// Sparkline size in CSS pixels.
const (
	sparkW = 120
	sparkH = 24
)

// htmlSparkOf draws trend, nil when it has fewer than two points.
func htmlSparkOf(trend []int) *htmlSpark {
	if len(trend) < 2 {
		return nil
	}
	lo, hi := trend[0], trend[0]
	for _, v := range trend {
		lo, hi = min(lo, v), max(hi, v)
	}
	span := max(hi-lo, 1)
	var b strings.Builder
	for i, v := range trend {
		if i > 0 {
			b.WriteByte(' ')
		}
		x := float64(i) * float64(sparkW-2) / float64(len(trend)-1)
		y := float64(sparkH-2) - float64(v-lo)*float64(sparkH-4)/float64(span)
		b.WriteString(strconv.FormatFloat(x+1, 'f', 1, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(y, 'f', 1, 64))
	}
	return &htmlSpark{W: sparkW, H: sparkH, Points: b.String(),
		Label: fmt.Sprintf("goroutines over time: %d first, %d last, from %d to %d", trend[0], trend[len(trend)-1], lo, hi)}
}
