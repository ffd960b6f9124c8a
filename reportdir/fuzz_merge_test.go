package reportdir

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzMergeShards collects a good shard with a shard whose package JSON
// (plain, and zipped as Bazel's outputs.zip) is any bytes: the merge
// never panics, never loses the good shard, and either takes the fuzzed
// package or names its shard as left out. Rendering what was collected is
// FuzzReadJSON's part; a full Write per input made this target run a few
// inputs a minute.
func FuzzMergeShards(f *testing.F) {
	var good bytes.Buffer
	if err := synthDoc("example.com/seed", 3, 2, t0).WriteJSON(&good); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add([]byte(`{"schema_version":1,"package":"example.com/x","reports":[{"title":"T","total":-22,"groups":[{"count":-22}]}]}`))
	f.Add([]byte(`{"schema_version":1,"package":"../../etc","shard":"1/2","reports":[]}`))
	f.Add([]byte(`{"schema_version":1} trailing`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := t.TempDir()
		writeShardJSON(t, filepath.Join(in, "good"), synthDoc("example.com/good", 2, 1, t0))
		bad := filepath.Join(in, "bad")
		if err := os.MkdirAll(bad, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bad, "pkg-fuzz.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		var z bytes.Buffer
		zw := zip.NewWriter(&z)
		w, _ := zw.Create(BazelSubdir + "/pkg-fuzz.json")
		w.Write(data)
		zw.Close()
		if err := os.WriteFile(filepath.Join(in, "outputs.zip"), z.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Collect([]string{in}, "")
		if err != nil {
			t.Fatalf("Collect: %v", err)
		}
		found := false
		for _, d := range m.Docs {
			found = found || d.Package == "example.com/good"
		}
		if !found {
			t.Fatalf("the good shard was lost; skipped %q", m.Skipped)
		}
		if m.Shards+len(m.Skipped) < 2 {
			t.Fatalf("%d shards read and %d skipped: the fuzzed shard went unmentioned", m.Shards, len(m.Skipped))
		}
		if n := m.Goroutines(); n < 2 {
			t.Fatalf("%d goroutines, fewer than the good shard's 2", n)
		}
	})
}
