package explain

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/leakhound/leakhound/report"
)

// timerDrainFixes words the fix of a goroutine blocked draining a timer
// after a failed Stop — `if !t.Stop() { <-t.C }` — when the timer's one
// value was already received (by another case of the same loop): Stop
// returns false and the drain waits for a value that will never come. The
// idiom is right only when nothing else receives from t.C; the fix is to
// drain without blocking. The catalog's advice for a wait on a timer (a
// select on a context) would leave the drain blocked until shutdown.
func (d *diagnoser) timerDrainFixes(r *report.Report) {
	if d.src == nil {
		return
	}
	for _, g := range r.Groups {
		df := &g.Diagnosis
		if df.Facts.Op != "receive" || df.Suggestion != nil || g.Block.File == "" {
			continue
		}
		f := d.src.file(g.Block.File)
		if f == nil {
			continue
		}
		s := f.locate(g.Block.Line)
		if s == nil {
			continue
		}
		if timer := stopDrain(s); timer != "" {
			df.Evidence = append(df.Evidence, fmt.Sprintf("source: the receive drains %s.C after %s.Stop() "+
				"returned false", timer, timer))
			df.Fix = fmt.Sprintf("drain %s.C without blocking — select { case <-%s.C: default: } in place of "+
				"`<-%s.C` at %s: when the timer's value was already received elsewhere, Stop returns false and "+
				"nothing is left to drain", timer, timer, timer, d.pos(g.Block))
		}
	}
}

// stopDrain is the timer's text when the statement at s is `<-t.C` inside
// `if !t.Stop() { … }` of the same t, "" otherwise.
func stopDrain(s *site) string {
	var recv *ast.UnaryExpr
	for i := len(s.path) - 1; i >= 0; i-- {
		switch n := s.path[i].(type) {
		case *ast.ExprStmt:
			if u, ok := n.X.(*ast.UnaryExpr); ok && u.Op == token.ARROW && recv == nil {
				recv = u
			}
		case *ast.IfStmt:
			if recv == nil {
				return ""
			}
			sel, ok := recv.X.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "C" {
				return ""
			}
			timer := types.ExprString(sel.X)
			not, ok := n.Cond.(*ast.UnaryExpr)
			if !ok || not.Op != token.NOT {
				return ""
			}
			call, ok := not.X.(*ast.CallExpr)
			if !ok || len(call.Args) != 0 {
				return ""
			}
			stop, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || stop.Sel.Name != "Stop" || types.ExprString(stop.X) != timer {
				return ""
			}
			return timer
		case *ast.FuncLit, *ast.FuncDecl:
			return ""
		}
	}
	return ""
}
