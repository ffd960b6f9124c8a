package report

import (
	"go/ast"
	"strings"
)

// heldRLocks returns the lines of the RLock calls on a mutex whose text
// ends with recvSuffix that the frame running fn still holds when it is at
// line at: taken before at in fn's own body, and not released by an
// RUnlock that runs before at (one not deferred, between the two lines).
// Function literals inside fn are left out: they run in frames of their
// own, and a lock one of them took is released or held by that frame, not
// this one (a closure that takes the read lock and defers its release, as
// a worker's loop body, holds nothing once it has returned).
func (f *srcFile) heldRLocks(fn ast.Node, recvSuffix string, at int) []int {
	var locks, unlocks []int
	deferred := map[ast.Node]bool{}
	var body ast.Node = fn
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		body = fn.Body
	case *ast.FuncLit:
		body = fn.Body
	}
	if body == nil {
		return nil
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.DeferStmt:
			deferred[n.Call] = true
		}
		recv, name, ok := methodCall(n)
		if !ok || (recv != recvSuffix && !strings.HasSuffix(recv, "."+recvSuffix)) {
			return true
		}
		line := f.lineOf(n.Pos())
		switch {
		case name == "RLock" && line < at:
			locks = append(locks, line)
		case name == "RUnlock" && line < at && !deferred[n]:
			unlocks = append(unlocks, line)
		}
		return true
	})
	var held []int
	for _, l := range locks {
		released := false
		for _, u := range unlocks {
			if u > l {
				released = true
			}
		}
		if !released {
			held = append(held, l)
		}
	}
	return held
}

// holdsReadLock reports whether the goroutine holds, where it blocks, a
// read lock of the mutex it waits for: the recursive read lock a waiting
// writer turns into a deadlock.
func (e *editor) holdsReadLock() bool {
	f := e.g.Diagnosis.Facts
	for _, h := range f.Held {
		if h.Read && lastName(h.Mutex) == lastName(f.Object) {
			return true
		}
	}
	return false
}
