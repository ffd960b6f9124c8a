package capread

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReader(t *testing.T) {
	tooLong := errors.New("too long")
	tests := []struct {
		in      string
		n       int64
		want    string
		wantErr error
	}{
		{"", 0, "", nil},
		{"abc", 3, "abc", nil},
		{"abc", 5, "abc", nil},
		{"abcd", 3, "abc", tooLong},
		{"a", 0, "", tooLong},
	}
	for _, tt := range tests {
		// OneByteReader: the limit must hold across many small reads.
		for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
			got, err := io.ReadAll(&Reader{R: r, N: tt.n, Err: tooLong})
			if string(got) != tt.want || !errors.Is(err, tt.wantErr) {
				t.Errorf("%q with %d allowed: read %q, %v; want %q, %v", tt.in, tt.n, got, err, tt.want, tt.wantErr)
			}
		}
	}
}
