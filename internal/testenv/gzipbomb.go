package testenv

import (
	"bytes"
	"compress/gzip"
	"testing"
)

// GzipBomb returns gzip data that decompresses to n MiB of block repeated:
// one gzip member per MiB, concatenated (gzip readers read all members), so
// building a 1 GiB bomb costs compressing one MiB. Tests of bounded reading
// feed it to every reader of compressed input.
func GzipBomb(t testing.TB, block []byte, n int) []byte {
	t.Helper()
	mib := bytes.Repeat(block, (1<<20)/len(block)+1)[:1<<20]
	var member bytes.Buffer
	zw, err := gzip.NewWriterLevel(&member, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(mib); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Repeat(member.Bytes(), n)
}
