package report

import (
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// TestFingerprintParts changes one part of a group at a time: what names
// the leak changes the fingerprint, what moves with unrelated edits or
// differs between runs does not.
func TestFingerprintParts(t *testing.T) {
	base := func() *Group {
		return &Group{
			Reason: ReasonChanSend, State: "chan send", Count: 3, IDs: []int64{4, 5, 6}, Tests: []string{"TestA"},
			Block:     profile.Frame{Func: "example.com/a.Fetch.func1", File: "/src/a/a.go", Line: 10},
			CreatedBy: &profile.Frame{Func: "example.com/a.Fetch", File: "/src/a/a.go", Line: 9},
			Diagnosis: Diagnosis{PatternID: "LH001", Summary: "s"},
		}
	}
	want := base().Fingerprint()
	if len(want) != 16 {
		t.Fatalf("fingerprint %q, want 16 hex digits", want)
	}
	tests := []struct {
		name    string
		edit    func(g *Group)
		changes bool
	}{
		{"block line", func(g *Group) { g.Block.Line = 40 }, false},
		{"block file moved", func(g *Group) { g.Block.File = "/other/checkout/a/a.go" }, false},
		{"creator line", func(g *Group) { g.CreatedBy.Line = 39 }, false},
		{"count and IDs", func(g *Group) { g.Count, g.IDs = 1, []int64{99} }, false},
		{"tests", func(g *Group) { g.Tests = []string{"TestB"} }, false},
		{"state text", func(g *Group) { g.State = "chan send, 3 minutes" }, false},
		{"diagnosis text", func(g *Group) { g.Diagnosis.Summary = "other words" }, false},
		{"known mark", func(g *Group) { g.Known = true }, false},
		{"reason", func(g *Group) { g.Reason = ReasonChanReceive }, true},
		{"blocking function", func(g *Group) { g.Block.Func = "example.com/a.Fetch.func2" }, true},
		{"creating function", func(g *Group) { g.CreatedBy.Func = "example.com/a.Other" }, true},
		{"no creator", func(g *Group) { g.CreatedBy = nil }, true},
		{"pattern", func(g *Group) { g.Diagnosis.PatternID = "LH002" }, true},
	}
	for _, tt := range tests {
		g := base()
		tt.edit(g)
		if got := g.Fingerprint(); (got != want) != tt.changes {
			t.Errorf("%s: fingerprint %s, unedited %s; want changed=%v", tt.name, got, want, tt.changes)
		}
	}
}
