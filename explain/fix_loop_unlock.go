package explain

import (
	"fmt"
	"go/ast"
)

// loopUnlockFix is the fix of a Lock inside a loop whose only Unlock
// follows the loop (at line unlock), skipped by a continue (at line cont),
// when the loop can also end by its condition or its range: unlocking
// before the continue alone would leave that last pass reaching the Unlock
// after the loop with the mutex already unlocked. The lock must then be
// released within each pass, on every way out of the body, and not after
// the loop. It applies only when the Unlock is the statement right after
// the loop, so nothing else ran under the lock there; "" otherwise (the
// plain "unlock before continue" stands for a loop that ends only by a
// break, which reaches the Unlock after it).
func loopUnlockFix(w *wait, mu, unlock string, cont, unlockLine int) string {
	s := w.site
	var loop ast.Stmt
	bounded := false
	for i := len(s.path) - 1; i >= 0 && loop == nil; i-- {
		switch n := s.path[i].(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return ""
		case *ast.ForStmt:
			loop, bounded = n, n.Cond != nil
		case *ast.RangeStmt:
			loop, bounded = n, true
		}
	}
	if loop == nil || !bounded || s.fn == nil {
		return ""
	}
	outer, at := enclosingBlock(s.fn, loop)
	if outer == nil || at+1 >= len(outer.List) {
		return ""
	}
	next := outer.List[at+1]
	if r, ok := lockCall(next, unlock); !ok || r != mu || s.file.lineOf(next.Pos()) != unlockLine {
		return ""
	}
	return fmt.Sprintf("release %s within each pass of the loop instead of after it: %s.%s() before the continue at "+
		"line %d, before every break of the loop and at the end of its body, and none at line %d — an %s() before the "+
		"continue alone would, on a last pass that continues, unlock it twice", mu, mu, unlock, cont, unlockLine, unlock)
}
