package profile

import (
	"bytes"
)

// CaptureIDs returns the IDs of every goroutine of this process, sorted,
// appended to dst[:0]. It is the cheapest look that tells goroutines apart:
// one runtime.Stack traceback, as Capture takes, of which only the header
// lines are read. The traceback stops the world once, for as long as
// formatting every goroutine takes, so it suits processes with few
// goroutines; with thousands, runtime.GoroutineProfile (no IDs) is cheaper.
//
// IDs are never reused while a process runs, so a goroutine whose ID is not
// in an earlier CaptureIDs was started after it.
func CaptureIDs(dst []int64) []int64 {
	l := &Look{text: stackOfAll()}
	defer l.Release()
	return l.IDs(dst)
}

// goroutineSection starts every goroutine of a traceback but the first: a
// blank line, then a header.
var goroutineSection = []byte("\n\ngoroutine ")

// appendHeaderIDs appends the ID of each goroutine header of traceback text
// to ids. A header starts the text or follows a blank line; frame lines
// never do.
func appendHeaderIDs(ids []int64, text []byte) []int64 {
	if rest, ok := bytes.CutPrefix(text, goroutinePrefix); ok {
		if id, n := parseID(rest); n > 0 {
			ids = append(ids, id)
		}
	}
	for {
		i := bytes.Index(text, goroutineSection)
		if i < 0 {
			return ids
		}
		text = text[i+len(goroutineSection):]
		if id, n := parseID(text); n > 0 {
			ids = append(ids, id)
		}
	}
}
