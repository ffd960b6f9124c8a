package profile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"slices"
)

// MaxDumpSize bounds every read of a dump (ReadDump, Parse) and every
// decompression of one (ParseBytes on gzip input), in bytes. It is scaled to
// the largest dump a real process prints: a goroutine takes 400 to 700 bytes
// of traceback a few frames deep (a 100,000-goroutine runtime.Stack dump is
// 65 MB), so a million goroutines fit with room, while input that grows
// without end (a gzip bomb, an endless stream, a wrong file) is refused
// before it can take more memory than a machine running tests has to spare.
const MaxDumpSize = 768 << 20

// ErrTooLarge is wrapped by the errors of ReadDump, Parse and ParseBytes for
// input, or decompressed input, larger than MaxDumpSize.
var ErrTooLarge = errors.New("larger than any goroutine dump")

// ErrBinary is wrapped by the errors of ReadDump, Parse and ParseBytes for
// input that is neither a pprof profile nor text: random bytes, an
// executable, a compressed archive of something else.
var ErrBinary = errors.New("binary data, not a goroutine dump")

// ReadDump reads a whole dump from r for ParseBytes, at most limit bytes
// (MaxDumpSize when limit <= 0). It stops early, with an error wrapping
// ErrBinary, when what it reads is binary data that is no pprof profile and
// no gzip stream, so a wrong file or an endless stream of noise costs a few
// kilobytes, not the limit. Gzip input is returned as read: ParseBytes
// decompresses it, under the same bound.
func ReadDump(r io.Reader, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = MaxDumpSize
	}
	return readBounded(r, limit, 0)
}

// ReadDumpInto is ReadDump reading into buf's storage, grown when the dump
// does not fit: a caller reading many dumps one after another (a watch)
// passes back the slice it got, and its steady state allocates nothing
// per dump. The result shares buf's storage, so the caller must be done
// with a dump, and with anything parsed from it, before the next read.
func ReadDumpInto(buf []byte, r io.Reader, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = MaxDumpSize
	}
	buf = buf[:0]
	text := false
	for {
		// Read into the room there is; grow only when little is left,
		// by the slice's own steps, so the storage ends near the
		// largest dump read rather than at a chunk size beyond it.
		if cap(buf)-len(buf) < minReadChunk {
			buf = slices.Grow(buf, minReadChunk)
		}
		chunk := buf[len(buf):cap(buf)]
		if room := limit + 1 - int64(len(buf)); int64(len(chunk)) > room {
			chunk = chunk[:room]
		}
		n, err := io.ReadFull(r, chunk)
		if n > 0 {
			if len(buf) == 0 {
				text = !binaryDumpStart(chunk[:n])
			}
			if int64(len(buf)+n) > limit {
				return nil, fmt.Errorf("more than %d bytes: %w", limit, ErrTooLarge)
			}
			if text {
				if err := checkText(chunk[:n], false); err != nil {
					return nil, fmt.Errorf("at byte %d: %w", len(buf), err)
				}
			}
			buf = buf[:len(buf)+n]
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return buf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("after %d bytes: %w", len(buf), err)
		}
	}
}

// ReadDumpSized is ReadDump for a source whose size is known in advance (a
// file): input larger than the limit is refused before a byte is read, and
// the buffer is allocated once.
func ReadDumpSized(r io.Reader, size, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = MaxDumpSize
	}
	if size > limit {
		return nil, fmt.Errorf("%d bytes is %w (the limit is %d bytes)", size, ErrTooLarge, limit)
	}
	return readBounded(r, limit, size)
}

// Chunks readBounded reads in: the first is small, so a tiny dump costs
// little; later ones grow to maxReadChunk so a big one costs few reads.
const (
	minReadChunk = 64 << 10
	maxReadChunk = 16 << 20
)

// readBounded reads r to its end, failing once more than limit bytes came.
// It reads into a list of chunks and joins them once at the end, so a read
// that fails at the limit has held about the limit, not twice it as a
// growing slice would. sizeHint > 0 sizes the buffer for a known size.
//
// The first bytes decide whether the rest is checked for binary noise:
// gzip and pprof protocol buffers are binary by nature; text dumps hold
// printable text, where NUL bytes are rare enough that a chunk with more
// than one per kilobyte is noise (random bytes hold one per 256).
func readBounded(r io.Reader, limit, sizeHint int64) ([]byte, error) {
	if sizeHint > 0 {
		buf := make([]byte, sizeHint+1)
		// The first chunk first, so noise is refused before the rest of
		// a big file is read.
		head := min(len(buf), minReadChunk)
		n, err := io.ReadFull(r, buf[:head])
		if err == nil {
			if binaryDumpStart(buf[:n]) {
				// Binary forms are checked whole below.
			} else if cerr := checkText(buf[:n], false); cerr != nil {
				return nil, cerr
			}
			var m int
			m, err = io.ReadFull(r, buf[head:])
			n += m
		}
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			buf = buf[:n]
			if err := checkText(buf, true); err != nil {
				return nil, err
			}
			return buf, nil
		case err != nil:
			return nil, fmt.Errorf("after %d bytes: %w", n, err)
		}
		// The source grew since its size was taken: read on in chunks.
		rest, err := readBounded(r, limit-int64(len(buf)), 0)
		if err != nil {
			return nil, err
		}
		return append(buf, rest...), nil
	}

	var (
		chunks [][]byte
		total  int64
		size   = minReadChunk
		text   = false
	)
	for {
		chunk := make([]byte, size)
		n, err := io.ReadFull(r, chunk)
		chunk = chunk[:n]
		if n > 0 {
			if total == 0 {
				text = !binaryDumpStart(chunk)
			}
			total += int64(n)
			if total > limit {
				return nil, fmt.Errorf("more than %d bytes: %w", limit, ErrTooLarge)
			}
			if text {
				if err := checkText(chunk, false); err != nil {
					return nil, fmt.Errorf("at byte %d: %w", total-int64(n), err)
				}
			}
			chunks = append(chunks, chunk)
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("after %d bytes: %w", total, err)
		}
		size = min(2*size, maxReadChunk)
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	out := make([]byte, 0, total)
	for i, c := range chunks {
		out = append(out, c...)
		chunks[i] = nil // let it go as soon as it is copied
	}
	return out, nil
}

// binaryDumpStart reports whether data starts like one of the binary forms
// of a dump: gzip, or a pprof protocol buffer, which starts with a field
// tag and holds control bytes early (lengths, small numbers), where a text
// dump starting with the same letter ("panic: …") holds none.
func binaryDumpStart(data []byte) bool {
	if isGzip(data) {
		return true
	}
	if len(data) == 0 || !profileFieldTag[data[0]] {
		return false
	}
	for _, c := range data[1:min(len(data), 64)] {
		if c < '\t' {
			return true
		}
	}
	return false
}

// checkText returns an error wrapping ErrBinary when b, which should be
// text, is mostly noise. whole says b is the entire input, whose start
// decides whether it should be text at all.
func checkText(b []byte, whole bool) error {
	if whole && binaryDumpStart(b) {
		return nil
	}
	if nul := bytes.Count(b, []byte{0}); nul > 0 && nul >= len(b)/1024 {
		return fmt.Errorf("%d of %d bytes are NUL bytes: %w", nul, len(b), ErrBinary)
	}
	return nil
}

// isGzip reports whether data starts with the gzip magic number.
func isGzip(data []byte) bool {
	return len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b
}

// gunzip decompresses gzip data, at most limit bytes of it, checking the
// content as readBounded checks a read: a bomb of zeros is refused after its
// first chunk, one of anything else at the limit.
func gunzip(data []byte, limit int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("the input starts like gzip but is not: %w", err)
	}
	defer zr.Close()
	out, err := readBounded(zr, limit, 0)
	if err != nil {
		return nil, fmt.Errorf("decompressing the gzip input: %w", err)
	}
	return out, nil
}
