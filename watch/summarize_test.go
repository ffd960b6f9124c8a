package watch

import (
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// TestSummarizeKnownGroups: a sight carries a representative only for the
// groups the watcher does not follow yet, and counts and IDs for all.
func TestSummarizeKnownGroups(t *testing.T) {
	dump := []byte(`goroutine 7 [chan receive]:
example.com/a.wait()
	/src/a/a.go:3 +0x1
created by example.com/a.Start in goroutine 1
	/src/a/a.go:9 +0x2

goroutine 9 [chan receive]:
example.com/a.wait()
	/src/a/a.go:3 +0x1
created by example.com/a.Start in goroutine 1
	/src/a/a.go:9 +0x2

goroutine 8 [select]:
example.com/b.loop()
	/src/b/b.go:5 +0x1
created by example.com/b.Start in goroutine 1
	/src/b/b.go:11 +0x2
`)
	snap, err := profile.ParseBytes(dump)
	if err != nil {
		t.Fatal(err)
	}
	first := summarize(snap, func(string) bool { return false })
	if len(first.groups) != 2 {
		t.Fatalf("%d groups, want 2", len(first.groups))
	}
	known := first.groups[0].fingerprint
	s := summarize(snap, func(fp string) bool { return fp == known })
	for _, sg := range s.groups {
		if got := sg.group != nil; got == (sg.fingerprint == known) {
			t.Errorf("group %s (known %v): representative %v", sg.fingerprint, sg.fingerprint == known, got)
		}
		var ids []int64
		r := idReader{l: sg.ids}
		for id, ok := r.next(); ok; id, ok = r.next() {
			ids = append(ids, id)
		}
		if len(ids) != sg.count {
			t.Errorf("group %s: %d goroutines, IDs %v", sg.fingerprint, sg.count, ids)
		}
	}
}
