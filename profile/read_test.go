package profile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/testenv"
)

// endless is a reader that never ends: block, again and again.
type endless struct {
	block []byte
	off   int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], e.block[e.off:])
		n += c
		e.off = (e.off + c) % len(e.block)
	}
	return n, nil
}

const section = "goroutine 7 [chan receive]:\nmain.f()\n\t/src/main.go:3 +0x1\n\n"

// TestParseBytesGzipBomb: a 1 GiB gzip bomb of zeros is refused after its
// first chunk, not decompressed whole (it took 7.2 GB and 29 s).
func TestParseBytesGzipBomb(t *testing.T) {
	bomb := testenv.GzipBomb(t, []byte{0}, 1024)
	var err error
	n := testenv.Allocated(func() { _, err = ParseBytes(bomb) })
	if !errors.Is(err, ErrBinary) {
		t.Fatalf("err = %v, want ErrBinary", err)
	}
	if n > 32<<20 {
		t.Errorf("refusing a gzip bomb of zeros allocated %d MiB, want under 32", n>>20)
	}
	if !strings.Contains(err.Error(), "gzip") {
		t.Errorf("the error does not say the gzip content is at fault: %v", err)
	}
}

// TestLimits: every bounded read and decompression stops at its limit with
// ErrTooLarge, or early with ErrBinary on noise, holding about the limit.
func TestLimits(t *testing.T) {
	random := make([]byte, 4<<20)
	rng := rand.NewChaCha8([32]byte{1})
	rng.Read(random)
	const limit = 8 << 20
	tests := []struct {
		name    string
		read    func() ([]byte, error)
		want    error
		maxHeld uint64
	}{
		{"gunzip text bomb", func() ([]byte, error) {
			return gunzip(testenv.GzipBomb(t, []byte(section), 64), limit)
		}, ErrTooLarge, 3 * limit},
		{"gunzip zeros", func() ([]byte, error) {
			return gunzip(testenv.GzipBomb(t, []byte{0}, 64), limit)
		}, ErrBinary, limit / 4},
		{"endless dump", func() ([]byte, error) {
			return ReadDump(&endless{block: []byte(section)}, limit)
		}, ErrTooLarge, 3 * limit},
		{"endless zeros", func() ([]byte, error) {
			return ReadDump(&endless{block: []byte{0}}, limit)
		}, ErrBinary, limit / 4},
		{"text, then random bytes", func() ([]byte, error) {
			return ReadDump(io.MultiReader(strings.NewReader("goroutine 1 [running]:\n"), bytes.NewReader(random)), limit)
		}, ErrBinary, limit / 4},
		{"sized, too big", func() ([]byte, error) {
			return ReadDumpSized(&endless{block: []byte(section)}, limit+1, limit)
		}, ErrTooLarge, 1 << 10},
		{"sized, grew", func() ([]byte, error) {
			return ReadDumpSized(&endless{block: []byte(section)}, 1<<20, limit)
		}, ErrTooLarge, 3 * limit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			n := testenv.Allocated(func() { _, err = tt.read() })
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if n > tt.maxHeld+(2<<20) {
				t.Errorf("allocated %d KiB, want at most %d KiB", n>>10, (tt.maxHeld+(2<<20))>>10)
			}
		})
	}
}

// TestReadDump: what fits is returned whole, whatever the chunking, and a
// gzip dump comes back as read for ParseBytes to decompress.
func TestReadDump(t *testing.T) {
	dump := []byte(strings.Repeat(section, 40000)) // about 2.4 MB: several chunks
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(dump)
	zw.Close()
	for _, in := range [][]byte{dump, gz.Bytes(), []byte(section)} {
		got, err := ReadDump(bytes.NewReader(in), 0)
		if err != nil || !bytes.Equal(got, in) {
			t.Fatalf("ReadDump of %d bytes: %d bytes, %v", len(in), len(got), err)
		}
		got, err = ReadDumpSized(bytes.NewReader(in), int64(len(in)), 0)
		if err != nil || !bytes.Equal(got, in) {
			t.Fatalf("ReadDumpSized of %d bytes: %d bytes, %v", len(in), len(got), err)
		}
	}
	s, err := ParseBytes(gz.Bytes())
	if err != nil || len(s.Goroutines) != 40000 {
		t.Fatalf("ParseBytes of a gzipped text dump: %v", err)
	}
}

// TestReadDumpInto reads dumps of several sizes one after another into
// one buffer: each comes back whole, the storage is reused once it is
// large enough, and the limits and the noise check hold as for ReadDump.
func TestReadDumpInto(t *testing.T) {
	big := []byte(strings.Repeat(section, 40000)) // about 2.4 MB
	var buf []byte
	for _, in := range [][]byte{[]byte(section), big, []byte(section), big} {
		got, err := ReadDumpInto(buf, bytes.NewReader(in), 0)
		if err != nil || !bytes.Equal(got, in) {
			t.Fatalf("ReadDumpInto of %d bytes: %d bytes, %v", len(in), len(got), err)
		}
		if cap(buf) >= len(in) && &got[0] != &buf[:1][0] {
			t.Errorf("a dump of %d bytes was read into new storage, though the buffer holds %d", len(in), cap(buf))
		}
		buf = got
	}
	if _, err := ReadDumpInto(buf, bytes.NewReader(big), int64(len(big)-1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a dump one byte over the limit: %v, want ErrTooLarge", err)
	}
	if got, err := ReadDumpInto(buf, bytes.NewReader(big), int64(len(big))); err != nil || len(got) != len(big) {
		t.Errorf("a dump at the limit: %d bytes, %v", len(got), err)
	}
	noise := make([]byte, 1<<20)
	rand.NewChaCha8([32]byte{1}).Read(noise)
	noise[0] = 'g' // not a binary start: read as text, refused as noise
	if _, err := ReadDumpInto(nil, bytes.NewReader(noise), 0); !errors.Is(err, ErrBinary) {
		t.Errorf("a megabyte of noise: %v, want ErrBinary", err)
	}
}
