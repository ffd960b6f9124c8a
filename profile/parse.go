package profile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Errors Parse returns for input that holds nothing to read. Match them with
// errors.Is.
var (
	// ErrEmpty means the input had no bytes, or only white space.
	ErrEmpty = errors.New("empty input")
	// ErrNoGoroutines means the input was read but described no goroutine.
	ErrNoGoroutines = errors.New("no goroutine found")
)

// Parse reads a goroutine dump or profile of any supported format and
// returns the goroutines it describes. It recognises the format from the
// content: runtime.Stack and debug=2 text (also inside crash, SIGQUIT and
// test-timeout output), go test -json output, pprof debug=1 text, and pprof
// protocol buffers, gzipped or not.
//
// A dump cut in the middle of a goroutine is not an error: the goroutines
// read whole are returned and the cut one is marked Truncated.
//
// Parse reads at most MaxDumpSize bytes, and stops early on binary noise
// (see ReadDump).
func Parse(r io.Reader) (*Snapshot, error) {
	data, err := ReadDump(r, MaxDumpSize)
	if err != nil {
		return nil, fmt.Errorf("reading goroutine dump: %w", err)
	}
	return ParseBytes(data)
}

// ParseBytes is Parse for input already in memory. Gzip input (a profile
// as the runtime writes it, or a text dump saved compressed) is
// decompressed once, to at most MaxDumpSize bytes.
func ParseBytes(data []byte) (*Snapshot, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrEmpty
	}
	if isGzip(data) {
		plain, err := gunzip(data, MaxDumpSize)
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(plain)) == 0 {
			return nil, fmt.Errorf("the gzip input holds no dump: %w", ErrEmpty)
		}
		if isGzip(plain) {
			// One layer is what the runtime and people write; more is
			// no dump.
			return nil, fmt.Errorf("the gzip input holds gzip again: %w", ErrBinary)
		}
		data = plain
	}
	var (
		s   *Snapshot
		err error
	)
	switch {
	case isProto(data):
		s, err = parseProto(data)
	case checkText(data, false) != nil:
		// Every other form is text.
		return nil, checkText(data, false)
	case isTestJSON(data):
		s, err = parseTestJSON(data)
	case isDebug1(data):
		s, err = parseDebug1(data)
	default:
		s, err = parseStack(data)
	}
	if err != nil {
		return nil, err
	}
	s.Context = readContext(s.Text)
	if len(s.Goroutines) == 0 {
		return s, fmt.Errorf("%w in %d bytes of %s input", ErrNoGoroutines, len(data), s.Format)
	}
	return s, nil
}
