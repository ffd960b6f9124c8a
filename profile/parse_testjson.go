package profile

import (
	"bytes"
	"encoding/json"
)

// go test -json wraps everything a test binary prints, including the
// goroutine dump of a test that timed out or panicked, in one JSON event per
// line:
//
//	{"Time":"…","Action":"output","Package":"example.com/p","Output":"goroutine 7 [chan receive]:\n"}
//
// The dump is the concatenation of the Output fields, read as text.

// testEvent is the part of a go test -json event the reader needs.
type testEvent struct {
	Action string
	Output string
}

// isTestJSON reports whether data looks like go test -json output: its
// first non-blank line is a JSON object with an "Action" field.
func isTestJSON(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n")
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	first := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		first = data[:i]
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(first, &probe) != nil {
		return false
	}
	_, ok := probe["Action"]
	return ok
}

// parseTestJSON reads go test -json output. Lines that are not JSON events
// (go build errors, output of tools run before the tests) are kept as text
// lines of the dump.
func parseTestJSON(data []byte) (*Snapshot, error) {
	var text bytes.Buffer
	text.Grow(len(data) / 2)
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 {
			continue
		}
		var ev testEvent
		if trimmed[0] != '{' || json.Unmarshal(trimmed, &ev) != nil {
			text.Write(line)
			text.WriteByte('\n')
			continue
		}
		if ev.Action == "output" {
			text.WriteString(ev.Output)
		}
	}
	s, err := parseStack(text.Bytes())
	if err != nil {
		return nil, err
	}
	s.Format = FormatTestJSON
	return s, nil
}
