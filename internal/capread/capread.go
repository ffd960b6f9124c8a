// Package capread reads no more of a stream than a rule allows and says so
// when the stream holds more: a report, a shard's zip entry, any input that
// may be hostile and must end in a clear error with bounded memory.
//
// It differs from io.LimitReader in the one way that matters for untrusted
// input: a stream longer than the limit is an error, not a silent
// truncation that a decoder would then misread as a short document.
package capread

import "io"

// Reader reads at most N bytes from R. Once they are read, it tries one
// more byte: when there is one, Read fails with Err (the stream is longer
// than allowed); otherwise it returns io.EOF. A stream of exactly N bytes
// is read whole.
type Reader struct {
	R   io.Reader
	N   int64 // bytes still allowed
	Err error // the error for a stream longer than allowed
}

// Read reads from R, no further than N bytes in all.
func (c *Reader) Read(p []byte) (int, error) {
	if c.N <= 0 {
		var b [1]byte
		if n, _ := c.R.Read(b[:]); n > 0 {
			return 0, c.Err
		}
		return 0, io.EOF
	}
	if int64(len(p)) > c.N {
		p = p[:c.N]
	}
	n, err := c.R.Read(p)
	c.N -= int64(n)
	return n, err
}
