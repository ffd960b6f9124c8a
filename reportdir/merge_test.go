package reportdir

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pprofile "github.com/google/pprof/profile"

	"github.com/leakhound/leakhound/report"
)

// zipShard writes docs into a zip under leakhound/, as Bazel zips a
// test's outputs directory into outputs.zip.
func zipShard(t *testing.T, path string, docs ...*report.Document) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, d := range docs {
		w, err := zw.Create(BazelSubdir + "/" + packageFiles(d.Package).JSON)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.WriteJSON(w); err != nil {
			t.Fatal(err)
		}
	}
	if w, err := zw.Create("test.xml.extra"); err == nil {
		w.Write([]byte("not a report"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestMergeShards merges the shards a CI run leaves: two CI jobs, one of
// them rerun, a job killed while writing, a truncated artifact, a Bazel
// test zipped and one split in two shards, a copy of a shard downloaded
// twice. Every package must be in the result once, with the right totals.
func TestMergeShards(t *testing.T) {
	in := t.TempDir()
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	alpha1 := synthDoc("example.com/m/alpha", 5, 5, t0)
	alpha2 := synthDoc("example.com/m/alpha", 3, 3, t0.Add(time.Minute)) // the rerun: latest wins
	beta := synthDoc("example.com/m/beta", 4, 2, t0)
	gamma := synthDoc("example.com/m/gamma", 1, 1, t0)
	writeShard(t, filepath.Join(in, "job-1"), alpha1, beta)
	writeShard(t, filepath.Join(in, "job-2-rerun"), alpha2, gamma)
	writeShard(t, filepath.Join(in, "job-1-copy"), beta) // the same artifact downloaded twice

	// A job killed while its tests wrote: a writer's unfinished file.
	killed := filepath.Join(in, "job-3-killed")
	writeShard(t, killed, synthDoc("example.com/m/killed", 2, 2, t0))
	if err := os.WriteFile(filepath.Join(killed, ".leakhound-123.tmp"), []byte(`{"schema_ver`), 0o644); err != nil {
		t.Fatal(err)
	}
	// An artifact cut short: a package file that ends in the middle.
	cut := filepath.Join(in, "job-4-cut")
	writeShard(t, cut, synthDoc("example.com/m/cut", 2, 2, t0), synthDoc("example.com/m/cut2", 2, 2, t0))
	cutFile := filepath.Join(cut, packageFiles("example.com/m/cut").JSON)
	b, _ := os.ReadFile(cutFile)
	os.WriteFile(cutFile, b[:len(b)/2], 0o644)

	// Bazel: one zipped test, one split by shard_count into two shards,
	// a test that leaked nothing (a zip without reports) and a zip cut short.
	testlogs := filepath.Join(in, "bazel-testlogs")
	delta := synthDoc("example.com/m/delta", 6, 3, t0)
	zipShard(t, filepath.Join(testlogs, "delta", "delta_test", "test.outputs", "outputs.zip"), delta)
	eps0, eps1 := synthDoc("example.com/m/eps", 2, 2, t0), synthDoc("example.com/m/eps", 3, 3, t0)
	eps0.Shard, eps1.Shard = "0/2", "1/2"
	eps1.Reports[0].Title = "TestOtherShard"
	writeShard(t, filepath.Join(testlogs, "eps", "eps_test", "shard_1_of_2", "test.outputs", BazelSubdir), eps0)
	writeShard(t, filepath.Join(testlogs, "eps", "eps_test", "shard_2_of_2", "test.outputs", BazelSubdir), eps1)
	zipShard(t, filepath.Join(testlogs, "clean", "clean_test", "test.outputs", "outputs.zip"))
	brokenZip := filepath.Join(testlogs, "broken", "broken_test", "test.outputs", "outputs.zip")
	zipShard(t, brokenZip, synthDoc("example.com/m/broken", 1, 1, t0))
	zb, _ := os.ReadFile(brokenZip)
	os.WriteFile(brokenZip, zb[:len(zb)-30], 0o644)

	out := filepath.Join(t.TempDir(), "merged")
	m, err := Collect([]string{in}, out)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Write(out); err != nil {
		t.Fatal(err)
	}

	want := map[string]int{ // goroutines by package
		"example.com/m/alpha": 3, // the rerun's
		"example.com/m/beta":  4, // once, though in two shards
		"example.com/m/gamma": 1,
		"example.com/m/delta": 6, // from outputs.zip
		"example.com/m/eps":   5, // both Bazel shards
	}
	s := readDirState(t, out)
	s.checkConsistent(t)
	for pkg, n := range want {
		d := s.docs[pkg]
		if d == nil {
			t.Errorf("%s is missing from the merged directory", pkg)
			continue
		}
		if got := docTotal(d); got != n {
			t.Errorf("%s: %d goroutines merged, want %d", pkg, got, n)
		}
	}
	for pkg := range s.docs {
		if _, ok := want[pkg]; !ok {
			t.Errorf("%s is in the merged directory, from a shard that should have been skipped", pkg)
		}
	}
	total := 0
	for _, n := range want {
		total += n
	}
	if s.jsonTotal != total {
		t.Errorf("merged package files hold %d goroutines, want %d", s.jsonTotal, total)
	}

	// The skipped shards are named, each with why, on the index too.
	for _, name := range []string{killed, cut, brokenZip} {
		found := false
		for _, sk := range m.Skipped {
			found = found || strings.HasPrefix(sk, name+": skipped")
		}
		if !found {
			t.Errorf("shard %s is not reported as skipped: %q", name, m.Skipped)
		}
		if !strings.Contains(s.index, name) {
			t.Errorf("index does not name the skipped shard %s", name)
		}
	}
	if len(m.Skipped) != 3 {
		t.Errorf("skipped %d shards, want 3: %q", len(m.Skipped), m.Skipped)
	}
	// The rerun is resolved and said so; the duplicate copy too.
	for _, want := range []string{"example.com/m/alpha was reported 2 times", "kept the latest, written 2026-11-27T10:01:00Z, from " + filepath.Join(in, "job-2-rerun"), "example.com/m/beta was reported 2 times"} {
		if !strings.Contains(strings.Join(m.Notes, "\n"), want) {
			t.Errorf("notes do not say %q: %q", want, m.Notes)
		}
		if !strings.Contains(s.index, want) {
			t.Errorf("index does not say %q", want)
		}
	}

	// The one JSON and the one pprof file hold every package.
	f, err := os.Open(filepath.Join(out, MergedJSON))
	if err != nil {
		t.Fatal(err)
	}
	all, err := report.ReadJSON(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	byPkg := map[string]int{}
	for _, r := range all.Reports {
		for _, g := range r.Groups {
			byPkg[r.Package] += g.Count
		}
	}
	for pkg, n := range want {
		if byPkg[pkg] != n {
			t.Errorf("%s: %s holds %d goroutines, want %d", MergedJSON, pkg, byPkg[pkg], n)
		}
	}
	pf, err := os.Open(filepath.Join(out, MergedPprof))
	if err != nil {
		t.Fatal(err)
	}
	p, err := pprofile.Parse(pf)
	pf.Close()
	if err != nil {
		t.Fatal(err)
	}
	pprofTotal := map[string]int{}
	for _, smp := range p.Sample {
		pprofTotal[smp.Label["package"][0]] += int(smp.Value[0])
	}
	for pkg, n := range want {
		if pprofTotal[pkg] != n {
			t.Errorf("%s: %s has %d goroutines, want %d", MergedPprof, pkg, pprofTotal[pkg], n)
		}
	}

	// The merged directory is a report directory: merging it again, alone
	// or with its own inputs' good shards, changes nothing.
	again := filepath.Join(t.TempDir(), "again")
	m2, err := Collect([]string{out, filepath.Join(in, "job-2-rerun")}, again)
	if err != nil {
		t.Fatal(err)
	}
	if err := m2.Write(again); err != nil {
		t.Fatal(err)
	}
	s2 := readDirState(t, again)
	if s2.jsonTotal != total || len(s2.docs) != len(want) {
		t.Errorf("merging the merge: %d goroutines in %d packages, want %d in %d", s2.jsonTotal, len(s2.docs), total, len(want))
	}
}

// TestMergeRemovesStalePackages merges into a directory a previous merge
// wrote: packages that are gone now must not stay.
func TestMergeRemovesStalePackages(t *testing.T) {
	in1, in2, out := t.TempDir(), t.TempDir(), t.TempDir()
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	writeShard(t, in1, synthDoc("example.com/old", 1, 1, t0), synthDoc("example.com/kept", 1, 1, t0))
	writeShard(t, in2, synthDoc("example.com/kept", 2, 2, t0))
	for _, in := range []string{in1, in2} {
		m, err := Collect([]string{in}, out)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Write(out); err != nil {
			t.Fatal(err)
		}
	}
	s := readDirState(t, out)
	s.checkConsistent(t)
	if len(s.docs) != 1 || s.jsonTotal != 2 {
		t.Errorf("after the second merge: %d packages, %d goroutines; want only the second merge's 1 and 2", len(s.docs), s.jsonTotal)
	}
	for _, f := range s.files {
		if strings.Contains(f, "example.com_old") {
			t.Errorf("%s of the earlier merge is still there", f)
		}
	}
}

// TestMergePages checks where a merged package's page comes from: the
// shard's own page when the merge keeps the package as it was, a page
// rendered anew when the baseline changed its marks.
func TestMergePages(t *testing.T) {
	in, out := t.TempDir(), filepath.Join(t.TempDir(), "merged")
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	d := synthDoc("example.com/p", 2, 1, t0)
	writeShard(t, in, d)
	page := packageFiles(d.Package).HTML
	shardPage, err := os.ReadFile(filepath.Join(in, page))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Collect([]string{in}, out)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Write(out); err != nil {
		t.Fatal(err)
	}
	kept, err := os.ReadFile(filepath.Join(out, page))
	if err != nil || string(kept) != string(shardPage) {
		t.Errorf("the merged page is not the shard's page (err %v)", err)
	}
	// The kept page links to its package's JSON and profile: they are there.
	for _, f := range []string{packageFiles(d.Package).JSON, packageFiles(d.Package).Pprof} {
		if !strings.Contains(string(kept), `href="`+f+`"`) {
			t.Errorf("the kept page does not link to %s", f)
		}
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("the kept page links to %s, which the merge did not bring: %v", f, err)
		}
	}

	b, err := readBaseline(strings.NewReader(d.Reports[0].Groups[0].Fingerprint()+" known\n"), "known.txt")
	if err != nil {
		t.Fatal(err)
	}
	if n, k := m.MarkKnown(b); n != 1 || k != 1 {
		t.Errorf("MarkKnown = %d new, %d known; want 1 and 1", n, k)
	}
	if err := m.Write(out); err != nil {
		t.Fatal(err)
	}
	marked, _ := os.ReadFile(filepath.Join(out, page))
	if !strings.Contains(string(marked), `class="badge status known"`) || !strings.Contains(string(marked), `class="badge status new"`) {
		t.Error("after MarkKnown the page does not show the known and the new leak")
	}
	// The shard's page, which the first merge may have linked, is intact.
	if again, _ := os.ReadFile(filepath.Join(in, page)); string(again) != string(shardPage) {
		t.Error("writing the merge changed the shard's page")
	}
}
