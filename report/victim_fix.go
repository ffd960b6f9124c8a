package report

import (
	"fmt"
	"strings"

	"github.com/leakhound/leakhound/internal/words"
)

// FixVictims gives each group that waits only because another leaked
// group is stuck (a victim: the partner that would release it was named,
// and it is in no cycle) the fix of the group at the end of that
// chain as its own. Its pattern's advice fits the operation it blocks at,
// not the cause: a Wait whose Done is there, in a goroutine that is
// itself stuck, needs no Add moved; the stuck goroutine needs its fix,
// and that fix releases both. partnerOf maps each group a partner was
// named for to the leaked group that would release it. It runs after
// every other fix is worked out, so the root's edit, when it has one, is
// named.
func (r *Report) FixVictims(partnerOf map[*Group]*Group) {
	if len(partnerOf) == 0 {
		return
	}
	index := make(map[*Group]int, len(r.Groups))
	for i, g := range r.Groups {
		index[g] = i
	}
	// Every fix is worked out from the diagnoses as the explanation
	// left them, before any is rewritten, so a chain reads its root's own
	// fix rather than another victim's.
	fixes := make(map[*Group]string)
	for _, g := range r.Groups {
		if fix := r.victimFix(g, index, partnerOf); fix != "" {
			fixes[g] = fix
		}
	}
	for g, fix := range fixes {
		g.Diagnosis.Fix = fix
	}
}

// victimFix is g's fix as a victim, "" when g is not one: it is in a
// cycle, or waits for itself (a double lock), or the chain of partners
// loops back without a cycle being recorded.
func (r *Report) victimFix(g *Group, index map[*Group]int, partnerOf map[*Group]*Group) string {
	p, ok := partnerOf[g]
	if !ok || g.Diagnosis.Facts.Cycle > 0 || g.Diagnosis.PatternID == PatternDoubleLock {
		return ""
	}
	root := p
	seen := map[*Group]bool{g: true}
	for root.Diagnosis.Facts.Cycle == 0 {
		next, ok := partnerOf[root]
		if !ok || root.Diagnosis.PatternID == PatternDoubleLock {
			break
		}
		if seen[next] {
			return ""
		}
		seen[root] = true
		root = next
	}
	if seen[root] || root.Diagnosis.FixText() == "" {
		return ""
	}
	waits := fmt.Sprintf("this goroutine waits for group #%d", index[root]+1)
	if root != p {
		waits = fmt.Sprintf("this goroutine waits for group #%d, which waits for group #%d", index[p]+1, index[root]+1)
	}
	if n := root.Diagnosis.Facts.Cycle; n > 0 {
		return fmt.Sprintf("%s, stuck in cycle %d: break that cycle — %s", waits, n, sentence(root.Diagnosis.FixText()))
	}
	fix := sentence(root.Diagnosis.FixText())
	if s := root.Diagnosis.Suggestion; s != nil && s.Summary != "" {
		fix = fmt.Sprintf("%s (the edit shown for #%d)", sentence(s.Summary), index[root]+1)
	}
	return fmt.Sprintf("%s, stuck at %s: fix that group — %s", waits, r.Pos(root.Block), fix)
}

// sentence is s as a clause inside another sentence: its first letter
// lowered and its final period dropped.
func sentence(s string) string {
	return words.LowerFirst(strings.TrimSuffix(strings.TrimSpace(s), "."))
}
