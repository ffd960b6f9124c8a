package profile

import "bytes"

// A dump pasted from a log or an issue often carries something before every
// line: the indentation of a quote or a code block, the timestamp the log
// package writes ("2026/11/27 10:00:00 "), the time column of a CI log
// ("2026-11-27T10:00:00.1234567Z "). The runtime never indents a goroutine
// header, so a header found after such a prefix tells its shape, and the
// prefix is removed from every line that carries the same shape: the same
// bytes, except that digits may differ (timestamps tick).

// linePrefix returns the prefix the lines of data carry, nil when the first
// goroutine header starts its line (the dump is as the runtime printed it)
// or when no header is found. A prefix counts only when the line after the
// header carries it too, so a header quoted once in a sentence does not
// make one.
func linePrefix(data []byte) []byte {
	var scratch stackParser
	scratch.strs = make(map[string]string)
	for off := 0; off < len(data); {
		i := bytes.Index(data[off:], goroutinePrefix)
		if i < 0 {
			return nil
		}
		at := off + i
		start := bytes.LastIndexByte(data[:at], '\n') + 1
		end := len(data)
		if j := bytes.IndexByte(data[at:], '\n'); j >= 0 {
			end = at + j
		}
		off = end
		last := end >= len(data)-1 // no line after it
		header := bytes.TrimRight(data[at:end], "\r")
		var g Goroutine
		if !scratch.parseHeader(header, &g) && !(last && wholeID(header)) {
			continue
		}
		if at == start {
			return nil
		}
		prefix := data[start:at]
		if last {
			// No line after the header to confirm the prefix, and none
			// to strip it from but this one.
			return prefix
		}
		next := data[end+1:]
		if j := bytes.IndexByte(next, '\n'); j >= 0 {
			next = next[:j]
		}
		if hasShape(next, prefix) {
			return prefix
		}
	}
	return nil
}

// hasShape reports whether line starts with a prefix shaped like prefix:
// the same bytes, a digit wherever prefix has one.
func hasShape(line, prefix []byte) bool {
	if len(line) < len(prefix) {
		return false
	}
	for i, c := range prefix {
		d := line[i]
		if isDigit(c) {
			if !isDigit(d) {
				return false
			}
		} else if c != d {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// stripPrefix returns data with prefix's shape removed from every line that
// carries it. A line holding only the prefix, or the prefix without its
// trailing blanks (editors and loggers trim them), becomes empty; lines
// without the prefix are kept as they are.
func stripPrefix(data, prefix []byte) []byte {
	bare := bytes.TrimRight(prefix, " \t")
	out := make([]byte, 0, len(data))
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i+1], data[i+1:]
		} else {
			data = nil
		}
		content := bytes.TrimRight(line, "\r\n")
		switch {
		case hasShape(content, prefix):
			line = line[len(prefix):]
		case len(content) == len(bare) && hasShape(content, bare):
			line = line[len(bare):]
		}
		out = append(out, line...)
	}
	return out
}
