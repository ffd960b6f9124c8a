package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
)

// gunzip returns the content of data when it is gzip-compressed, as a dump
// saved with gzip is (dump.txt.gz); ok is false for anything else. Profiles
// are gzipped too, but profile.Parse reads those itself, so this is only
// tried when parsing the data as it is failed.
func gunzip(data []byte) (out []byte, ok bool, err error) {
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return nil, false, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, true, fmt.Errorf("the input starts like gzip but is not: %w", err)
	}
	defer zr.Close()
	out, err = io.ReadAll(io.LimitReader(zr, maxFetch+1))
	if err != nil {
		return nil, true, fmt.Errorf("decompressing the gzip input after %d bytes: %w", len(out), err)
	}
	if len(out) > maxFetch {
		return nil, true, fmt.Errorf("the gzip input decompresses to more than %d bytes", maxFetch)
	}
	return out, true, nil
}
