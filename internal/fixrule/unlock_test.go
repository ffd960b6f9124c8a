package fixrule

import (
	"go/parser"
	"go/token"
	"testing"
)

const aroundSrc = `package p

func f() {
	mu.Lock()
	<-ch
	if x {
		<-ch
	}
	mu.Lock()
	mu.Unlock()
}

func g() {
	<-ch
}
`

func TestUnlockAround(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", aroundSrc, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := &File{Fset: fset, AST: f, Src: []byte(aroundSrc)}
	a, ok := UnlockAround(p, 5, 4, "mu", false)
	if !ok || a.First != 5 || a.Last != 5 || a.Indent != "\t" || a.Unlock != "mu.Unlock()" || a.Lock != "mu.Lock()" {
		t.Fatalf("the receive after the Lock: %+v, %v", a, ok)
	}
	if p.Text(a.Stmt) != "<-ch" {
		t.Errorf("statement %q, want <-ch", p.Text(a.Stmt))
	}
	if a, ok := UnlockAround(p, 5, 4, "rw", true); !ok || a.Unlock != "rw.RUnlock()" || a.Lock != "rw.RLock()" {
		t.Errorf("a read lock: %+v, %v", a, ok)
	}
	for _, c := range []struct {
		name           string
		line, lockLine int
	}{
		{"the frame is at an if's condition", 6, 4},
		{"the statement takes the same lock", 9, 4},
		{"the statement comes before the Lock", 5, 9},
		{"the Lock is in another function", 14, 4},
	} {
		if a, ok := UnlockAround(p, c.line, c.lockLine, "mu", false); ok {
			t.Errorf("%s: got %+v, want none", c.name, a)
		}
	}
}
