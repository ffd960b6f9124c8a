package profile

import (
	"bytes"
	"strconv"
)

// Goroutine labels (set with runtime/pprof.Do or SetGoroutineLabels) appear
// in headers in two spellings:
//
//	Go 1.26, GODEBUG=tracebacklabels=1:  [chan receive labels:{"k": "v", "n": "42"}]
//	Go 1.27 (on by default):             [chan receive] {k: v, n: 42, "user id": "a ]}"}
//
// Go 1.26 always quotes keys and values; Go 1.27 quotes only the ones with
// a character outside [A-Za-z0-9./_]. Quoting follows Go's rules (\" \\ \n
// \t \xNN \uNNNN …), so strconv.Unquote reverses it. A quoted value may hold
// "]", "}", ", " and ": ", which is why labels are read token by token.

// parseLabels reads label pairs from b, which follows the opening brace,
// up to and including the closing brace. It returns the labels (nil for
// "{}"), the input after the brace, and whether the syntax was whole.
func (p *stackParser) parseLabels(b []byte) (map[string]string, []byte, bool) {
	if len(b) > 0 && b[0] == '}' {
		return nil, b[1:], true
	}
	labels := make(map[string]string, 2)
	for {
		k, rest, ok := p.labelToken(b, true)
		if !ok || len(rest) < 2 || rest[0] != ':' || rest[1] != ' ' {
			return nil, nil, false
		}
		v, rest, ok := p.labelToken(rest[2:], false)
		if !ok {
			return nil, nil, false
		}
		labels[k] = v
		switch {
		case len(rest) > 1 && rest[0] == ',' && rest[1] == ' ':
			b = rest[2:]
		case len(rest) > 0 && rest[0] == '}':
			return labels, rest[1:], true
		default:
			return nil, nil, false
		}
	}
}

// labelToken reads one key or value, quoted or bare, and returns it with
// the rest of b. A bare key ends at ':', a bare value at ',' or '}'; the
// runtime quotes any text that holds those.
func (p *stackParser) labelToken(b []byte, key bool) (string, []byte, bool) {
	if len(b) > 0 && b[0] == '"' {
		escaped := false
		i := 1
		for ; i < len(b) && b[i] != '"'; i++ {
			if b[i] == '\\' {
				escaped = true
				i++
			}
		}
		if i >= len(b) {
			return "", nil, false
		}
		raw := b[1:i]
		if !escaped {
			return p.intern(raw), b[i+1:], true
		}
		if s, err := strconv.Unquote(string(b[:i+1])); err == nil {
			return p.intern([]byte(s)), b[i+1:], true
		}
		// Not Go quoting after all: keep the text as printed.
		return p.intern(raw), b[i+1:], true
	}
	var i int
	if key {
		i = bytes.IndexByte(b, ':')
	} else {
		i = bytes.IndexAny(b, ",}")
	}
	if i < 0 {
		return "", nil, false
	}
	return p.intern(b[:i]), b[i:], true
}
