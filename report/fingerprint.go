package report

import (
	"crypto/sha256"
	"encoding/hex"
)

// Fingerprint identifies the group's leak across runs and edits: the same
// leak gives the same fingerprint in the next build, on another machine,
// after lines above it moved. It is built from what says which leak this
// is and leaves out what moves with unrelated edits:
//
//   - the blocking reason,
//   - the blocking function (Block.Func, with its package path),
//   - the function holding the go statement (CreatedBy.Func),
//   - the catalog pattern of the diagnosis;
//
// not line numbers, file paths, goroutine IDs, counts or tests. Two
// groups of one report can share a fingerprint (the same leak reached
// from two lines); a baseline then knows both. A closure's name counts its
// position among its siblings (Fetch.func2), so adding a closure before it
// in the same function changes the fingerprint of leaks inside it.
//
// The result is 16 hexadecimal digits.
func (g *Group) Fingerprint() string {
	creator := ""
	if g.CreatedBy != nil {
		creator = g.CreatedBy.Func
	}
	h := sha256.New()
	// The version prefix lets a later rule change every fingerprint at
	// once rather than some by accident; NUL cannot occur in the parts.
	for _, part := range []string{"leakhound-fingerprint-1", string(g.Reason), g.Block.Func, creator, g.Diagnosis.PatternID} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
