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

// isTestJSON reports whether data looks like go test -json output: among
// its first lines, a JSON object with an "Action" field comes before any
// goroutine header. Lines before the first event are allowed, because go
// test prints build errors as plain text.
func isTestJSON(data []byte) bool {
	const maxLines = 32
	for n := 0; n < maxLines && len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimSpace(line)
		if bytes.HasPrefix(line, goroutinePrefix) {
			return false
		}
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var probe map[string]json.RawMessage
		if json.Unmarshal(line, &probe) != nil {
			continue
		}
		_, ok := probe["Action"]
		return ok
	}
	return false
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
