//go:build unix

package reportdir

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leakhound/leakhound/profile"
)

// The hostile inputs below are shards as an attacker who controls one CI
// job would upload them; the merging machine must disclose nothing, lose
// no report and hang on nothing.

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// outputText is every file under dir, concatenated; it fails the test on
// a symbolic link there (the merge never makes one).
func outputText(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !d.Type().IsRegular() {
			t.Errorf("the output holds %s, a %s", p, d.Type())
			return nil
		}
		data, err := os.ReadFile(p)
		b.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func merge(t *testing.T, out string, inputs ...string) *Merged {
	t.Helper()
	m, err := Collect(inputs, out)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Write(out); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMergeDisclosesNoLocalFile (issue item 1): frames naming
// /proc/self/environ, /etc/passwd or a secret .go file of the merging
// machine bring none of their bytes into the merged pages.
func TestMergeDisclosesNoLocalFile(t *testing.T) {
	const token = "PLANTED_MERGE_SECRET_91c2"
	t.Setenv("LEAKHOUND_TEST_PLANTED", token)
	secret := filepath.Join(t.TempDir(), "secret.go")
	if err := os.WriteFile(secret, []byte(strings.Repeat("// "+token+"\n", 30)), 0o644); err != nil {
		t.Fatal(err)
	}
	d := synthDoc("example.com/evil", 3, 1, t0)
	for i, f := range []string{"/proc/self/environ", "/etc/passwd", secret} {
		g := d.Reports[0].Groups[i]
		g.Block.File, g.Block.Line = f, 2
		g.Stack.Frames = []profile.Frame{g.Block}
	}
	in, out := t.TempDir(), filepath.Join(t.TempDir(), "merged")
	writeShardJSON(t, in, d) // no page: the merge renders it
	merge(t, out, in)
	text := outputText(t, out)
	for _, leak := range []string{token, "root:x:0"} {
		if strings.Contains(text, leak) {
			t.Errorf("the merged report discloses %q", leak)
		}
	}
}

// TestMergeNeverBringsLinks (item 2): a shard's page that is a link to
// /etc/passwd is neither linked nor copied; the page is rendered anew. A
// package JSON that is a link makes the shard torn, not read.
func TestMergeNeverBringsLinks(t *testing.T) {
	in, out := t.TempDir(), filepath.Join(t.TempDir(), "merged")
	d := synthDoc("example.com/p", 2, 1, t0)
	writeShard(t, filepath.Join(in, "a"), d)
	page := filepath.Join(in, "a", packageFiles(d.Package).HTML)
	os.Remove(page)
	if err := os.Symlink("/etc/passwd", page); err != nil {
		t.Fatal(err)
	}
	other := synthDoc("example.com/q", 1, 1, t0)
	writeShard(t, filepath.Join(in, "b"), other)
	js := filepath.Join(in, "b", packageFiles(other.Package).JSON)
	os.Remove(js)
	if err := os.Symlink("/etc/passwd", js); err != nil {
		t.Fatal(err)
	}
	m := merge(t, out, in)
	if len(m.Docs) != 1 || len(m.Skipped) != 1 || !strings.Contains(m.Skipped[0], "not a regular file") {
		t.Errorf("merged %d packages, skipped %q; want p merged and the shard with the linked JSON skipped", len(m.Docs), m.Skipped)
	}
	text := outputText(t, out)
	if strings.Contains(text, "root:x:0") {
		t.Error("the merged report holds /etc/passwd")
	}
	if st, err := os.Lstat(filepath.Join(out, packageFiles(d.Package).HTML)); err != nil || !st.Mode().IsRegular() {
		t.Errorf("the package's page is not a regular file: %v", err)
	}
}

// TestMergeFollowsInputLink (item 3): an input that is a link to a
// directory, as bazel-testlogs is, is searched like the directory.
func TestMergeFollowsInputLink(t *testing.T) {
	real := filepath.Join(t.TempDir(), "testlogs")
	writeShard(t, filepath.Join(real, "pkg", "test.outputs", BazelSubdir), synthDoc("example.com/p", 22, 11, t0))
	link := filepath.Join(t.TempDir(), "bazel-testlogs")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	m, err := Collect([]string{link}, "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Shards != 1 || m.Goroutines() != 22 {
		t.Errorf("through the link: %d shards, %d goroutines; want 1 and 22", m.Shards, m.Goroutines())
	}
}

// TestMergeRefusesOverlappingOutput (item 4): an output that is an input,
// inside one or around one is refused before anything is written, and
// the inputs keep their reports.
func TestMergeRefusesOverlappingOutput(t *testing.T) {
	root := t.TempDir()
	leaks := filepath.Join(root, "leaks")
	s1 := filepath.Join(root, "artifacts", "s1")
	writeShard(t, leaks, synthDoc("example.com/a", 1, 1, t0))
	writeShard(t, s1, synthDoc("example.com/b", 1, 1, t0))
	before := outputText(t, root)
	tests := []struct{ name, out, in string }{
		{"-o leaks leaks", leaks, leaks},
		{"-o artifacts/s1 artifacts", s1, filepath.Join(root, "artifacts")},
		{"-o artifacts artifacts/s1", filepath.Join(root, "artifacts"), s1},
		{"-o leaks/../leaks leaks", filepath.Join(leaks, "..", "leaks"), leaks},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Collect([]string{tt.in}, tt.out); err == nil || !strings.Contains(err.Error(), "overlaps") {
				t.Errorf("Collect = %v, want the overlap refused", err)
			}
		})
	}
	if outputText(t, root) != before {
		t.Error("the inputs changed")
	}
}

// TestMergeRejectsHostileCounts (item 5): a shard whose counts would wrap
// the sums to "0 goroutines" is left out as torn, named, and the merge's
// count stays the honest shards'.
func TestMergeRejectsHostileCounts(t *testing.T) {
	in := t.TempDir()
	writeShard(t, filepath.Join(in, "good"), synthDoc("example.com/good", 22, 11, t0))
	for name, count := range map[string]string{"negative": "-22", "huge": "9223372036854775806"} {
		dir := filepath.Join(in, name)
		os.MkdirAll(dir, 0o755)
		doc := `{"schema_version":1,"package":"example.com/` + name + `","generated_at":"2026-01-02T03:04:05Z","reports":[{"title":"T","total":` + count +
			`,"groups":[{"reason":"chan receive","state":"chan receive","count":` + count + `,"block":{"func":"f","file":"f.go","line":1},"diagnosis":{"from_source":false}}]}]}`
		if err := os.WriteFile(filepath.Join(dir, "pkg-example.com_"+name+".json"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := Collect([]string{in}, "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Goroutines() != 22 || len(m.Skipped) != 2 {
		t.Errorf("%d goroutines, skipped %q; want 22 and both hostile shards skipped", m.Goroutines(), m.Skipped)
	}
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// TestMergeFailedWriteKeepsPrevious (item 6): a merge that cannot write a
// file leaves the previous merge as it was, whole, and no temporary
// directory behind.
func TestMergeFailedWriteKeepsPrevious(t *testing.T) {
	in1, in2 := t.TempDir(), t.TempDir()
	parent := t.TempDir()
	out := filepath.Join(parent, "merged")
	writeShard(t, in1, synthDoc("example.com/old", 2, 1, t0))
	writeShardJSON(t, in2, synthDoc("example.com/new", 3, 1, t0), synthDoc("example.com/other", 1, 1, t0))
	merge(t, out, in1)
	before := readDirState(t, out)
	beforeText := outputText(t, out)
	for _, failing := range []string{MergedJSON, indexFileName, packageFiles("example.com/new").HTML} {
		t.Run(failing, func(t *testing.T) {
			m, err := Collect([]string{in2}, out)
			if err != nil {
				t.Fatal(err)
			}
			m.wrap = func(name string, w io.Writer) io.Writer {
				if name == failing {
					return failingWriter{}
				}
				return w
			}
			if err := m.Write(out); !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Write = %v, want the disk full error", err)
			}
			after := readDirState(t, out)
			after.checkConsistent(t)
			if outputText(t, out) != beforeText || len(after.docs) != len(before.docs) {
				t.Error("the failed merge changed the previous one")
			}
			if entries, _ := os.ReadDir(parent); len(entries) != 1 {
				t.Errorf("left behind next to the output: %v", entries)
			}
		})
	}
}

// TestMergeRefusesReplacingOtherDirectory: -o naming a directory of other
// files (a typo, ".") is refused, its files kept.
func TestMergeRefusesReplacingOtherDirectory(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	writeShard(t, in, synthDoc("example.com/p", 1, 1, t0))
	notes := filepath.Join(out, "notes.txt")
	if err := os.WriteFile(notes, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Collect([]string{in}, out)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Write(out); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("Write = %v, want it refused naming notes.txt", err)
	}
	if b, err := os.ReadFile(notes); err != nil || string(b) != "mine" {
		t.Errorf("notes.txt: %q, %v", b, err)
	}
}

// collectWithin runs Collect, failing the test if it has not returned
// after a minute: a FIFO read would block forever.
func collectWithin(t *testing.T, inputs ...string) (*Merged, error) {
	t.Helper()
	type result struct {
		m   *Merged
		err error
	}
	done := make(chan result, 1)
	go func() {
		m, err := Collect(inputs, "")
		done <- result{m, err}
	}()
	select {
	case r := <-done:
		return r.m, r.err
	case <-time.After(time.Minute):
		t.Fatal("Collect blocked")
		return nil, nil
	}
}

// TestMergeFIFOs (item 10): a FIFO as a package's JSON or as outputs.zip
// is an error for its shard, never a wait; a FIFO baseline is refused.
func TestMergeFIFOs(t *testing.T) {
	in := t.TempDir()
	writeShard(t, filepath.Join(in, "good"), synthDoc("example.com/good", 1, 1, t0))
	os.MkdirAll(filepath.Join(in, "fifo"), 0o755)
	for _, p := range []string{filepath.Join(in, "fifo", "pkg-x.json"), filepath.Join(in, "outputs.zip")} {
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("no FIFOs: %v", err)
		}
	}
	m, err := collectWithin(t, in)
	if err != nil {
		t.Fatal(err)
	}
	if m.Shards != 1 || len(m.Skipped) != 2 {
		t.Errorf("%d shards, skipped %q; want the good shard, the FIFO JSON's and the FIFO zip skipped", m.Shards, m.Skipped)
	}
	// Named directly, the FIFO zip is an error for its shard too.
	m, err = collectWithin(t, filepath.Join(in, "outputs.zip"))
	if err != nil || len(m.Skipped) != 1 {
		t.Errorf("the FIFO zip named directly: %v, skipped %q", err, m.Skipped)
	}
	baseline := filepath.Join(in, "known.txt")
	if err := syscall.Mkfifo(baseline, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadBaseline(baseline); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("ReadBaseline of a FIFO = %v, want it refused", err)
	}
}

// deflatedZeros is a deflate stream of n MiB of zero bytes, built cheaply:
// one MiB compressed and flushed (a byte-aligned, non-final block set),
// repeated, then a final empty block. It is a zip bomb's payload.
func deflatedZeros(t *testing.T, n int) []byte {
	t.Helper()
	var mib bytes.Buffer
	fw, _ := flate.NewWriter(&mib, flate.BestCompression)
	fw.Write(make([]byte, 1<<20))
	if err := fw.Flush(); err != nil {
		t.Fatal(err)
	}
	var end bytes.Buffer
	fe, _ := flate.NewWriter(&end, flate.BestCompression)
	fe.Close()
	return append(bytes.Repeat(mib.Bytes(), n), end.Bytes()...)
}

// writeZip writes a zip of entries: each plain bytes, or (bombs) n MiB of
// zeros stored as a precomputed deflate stream.
func writeZip(t *testing.T, path string, entries map[string][]byte, bombs map[string]int) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, data := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	for name, mib := range bombs {
		payload := deflatedZeros(t, mib)
		crc := crc32.NewIEEE()
		zero := make([]byte, 1<<20)
		for range mib {
			crc.Write(zero)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(len(payload)), UncompressedSize64: uint64(mib) << 20})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(payload)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	f.Close()
	return st.Size()
}

// TestMergeZipBombs (item 10): a small zip holding a page or a JSON file
// that inflates a thousandfold (2 GiB from about 2 MB, as reported) is
// refused, the page rendered anew and the JSON's shard left out; the
// merge writes far less than 64 times its input.
func TestMergeZipBombs(t *testing.T) {
	const bomb = 2 << 10 // MiB
	d := synthDoc("example.com/p", 2, 1, t0)
	var js bytes.Buffer
	if err := d.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	base := BazelSubdir + "/" + strings.TrimSuffix(packageFiles(d.Package).JSON, ".json")

	t.Run("page", func(t *testing.T) {
		in, out := t.TempDir(), filepath.Join(t.TempDir(), "merged")
		size := writeZip(t, filepath.Join(in, "outputs.zip"), map[string][]byte{base + ".json": js.Bytes()}, map[string]int{base + ".html": bomb})
		t.Logf("a %d-byte zip holding a %d MiB page", size, bomb)
		m := merge(t, out, in)
		if len(m.Docs) != 1 {
			t.Fatalf("merged %d packages, want 1", len(m.Docs))
		}
		written := int64(len(outputText(t, out)))
		if written > 64*size {
			t.Errorf("wrote %d bytes from a %d-byte zip", written, size)
		}
		if page, _ := os.ReadFile(filepath.Join(out, packageFiles(d.Package).HTML)); !bytes.Contains(page, []byte("example.com/p")) {
			t.Error("the page was not rendered anew")
		}
	})
	t.Run("json", func(t *testing.T) {
		in := t.TempDir()
		writeZip(t, filepath.Join(in, "outputs.zip"), nil, map[string]int{base + ".json": bomb})
		m, err := Collect([]string{in}, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Skipped) != 1 || !strings.Contains(m.Skipped[0], "inflates") {
			t.Errorf("skipped %q, want the bomb's shard named", m.Skipped)
		}
	})
}

// TestMergeHugeJSON (item 10): a 1 GB shard JSON (sparse on disk) is
// refused by its size before it is read.
func TestMergeHugeJSON(t *testing.T) {
	in := t.TempDir()
	p := filepath.Join(in, "pkg-huge.json")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"schema_version":1,"package":"`)
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	m, err := Collect([]string{in}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Skipped) != 1 || !strings.Contains(m.Skipped[0], "more than a report can be") {
		t.Errorf("skipped %q, want the 1 GB file refused by its size", m.Skipped)
	}
}

// TestMergeAmplification (item 10): a shard of many tiny groups, the
// input that makes the most output per byte (each group a card on the
// page, a row on the index), writes far less than 64 times its size.
func TestMergeAmplification(t *testing.T) {
	in, out := t.TempDir(), filepath.Join(t.TempDir(), "merged")
	const n = 2000
	var b strings.Builder
	b.WriteString(`{"schema_version":1,"package":"p","generated_at":"2026-01-02T03:04:05Z","reports":[{"title":"T","total":` + strconv.Itoa(n) + `,"groups":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"reason":"r%d","state":"s","count":1,"block":{"func":"f%d","file":"","line":0},"diagnosis":{"from_source":false}}`, i, i)
	}
	b.WriteString(`]}]}`)
	if err := os.WriteFile(filepath.Join(in, "pkg-p.json"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	merge(t, out, in)
	written := int64(len(outputText(t, out)))
	if ratio := float64(written) / float64(b.Len()); ratio > 64 {
		t.Errorf("wrote %d bytes from %d, %.0f times", written, b.Len(), ratio)
	} else {
		t.Logf("wrote %d bytes from %d, %.1f times", written, b.Len(), ratio)
	}
}

// TestMergeRecoversInterruptedSwap: a merge killed between the two
// renames of its swap leaves out missing and the previous merge beside
// it; the next Write puts the previous merge back first, so even a next
// merge that fails leaves it in place.
func TestMergeRecoversInterruptedSwap(t *testing.T) {
	in1, in2, parent := t.TempDir(), t.TempDir(), t.TempDir()
	out := filepath.Join(parent, "merged")
	writeShard(t, in1, synthDoc("example.com/old", 2, 1, t0))
	writeShardJSON(t, in2, synthDoc("example.com/new", 3, 1, t0))
	merge(t, out, in1)
	before := outputText(t, out)
	previous := filepath.Join(parent, ".merged.leakhound-previous")
	if err := os.Rename(out, previous); err != nil { // killed here
		t.Fatal(err)
	}
	m, err := Collect([]string{in2}, out)
	if err != nil {
		t.Fatal(err)
	}
	m.wrap = func(name string, w io.Writer) io.Writer {
		if name == MergedJSON {
			return failingWriter{}
		}
		return w
	}
	if err := m.Write(out); err == nil {
		t.Fatal("the failing merge succeeded")
	}
	if outputText(t, out) != before {
		t.Error("the previous merge is not back in place")
	}
	if _, err := os.Lstat(previous); err == nil {
		t.Error("the previous merge is still beside the output")
	}
}
