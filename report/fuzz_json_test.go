package report

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// FuzzReadJSON feeds ReadJSON any bytes and every renderer what it
// accepts: a shard's JSON comes from anyone, so a document ReadJSON
// returns must render (text, HTML, package page, index, Markdown, pprof,
// annotations, JSON again) without a panic, and the JSON written from it
// must read back.
func FuzzReadJSON(f *testing.F) {
	var full bytes.Buffer
	if err := fullDocument(f).WriteJSON(&full); err != nil {
		f.Fatal(err)
	}
	f.Add(full.Bytes())
	f.Add([]byte(shardJSON("2", "2")))
	f.Add([]byte(strings.Replace(shardJSON("1", "1"), `"total":1`, `"total":1,"cycles":[{"kind":"lock order","groups":[0,0],"edges":[{"why":"w"}]}]`, 1)))
	f.Add([]byte(strings.Replace(shardJSON("1", "1"), `"from_source":false`, `"from_source":true,"pattern_id":"LH001","facts":{"cycle":1}`, 1)))
	f.Add([]byte(`{"schema_version":1,"reports":[{"groups":[]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ReadJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, r := range d.Reports {
			for _, write := range []func(io.Writer) error{r.WriteText, r.WriteHTML, r.WritePprof, r.WriteAnnotations, r.WriteDiff} {
				write(io.Discard)
			}
		}
		if err := WritePackagePage(io.Discard, d, PackageFiles{HTML: "p.html", JSON: "p.json", Pprof: "p.pb.gz"}); err != nil {
			t.Fatalf("WritePackagePage: %v", err)
		}
		ix := &Index{Packages: []IndexEntry{{Doc: d}}, MaxGroupRows: 3}
		if err := ix.WriteHTML(io.Discard); err != nil {
			t.Fatalf("Index.WriteHTML: %v", err)
		}
		if err := WriteCatalogPage(io.Discard, []*Document{d}); err != nil {
			t.Fatalf("WriteCatalogPage: %v", err)
		}
		if err := WriteMarkdownSummary(io.Discard, []*Document{d}, SummaryOptions{Page: "index.html"}); err != nil {
			t.Fatalf("WriteMarkdownSummary: %v", err)
		}
		if err := d.WritePprof(io.Discard); err != nil {
			t.Fatalf("WritePprof: %v", err)
		}
		var again bytes.Buffer
		if err := d.WriteJSON(&again); err != nil {
			t.Fatalf("WriteJSON: %v", err)
		}
		if _, err := ReadJSON(&again); err != nil {
			t.Fatalf("the JSON written from an accepted document does not read back: %v\n%s", err, again.String())
		}
	})
}
