package fixrule

import (
	"go/parser"
	"go/token"
	"testing"
)

const moveSrc = `package p

func start(ch chan int) {
	ch <- 1
	defer stop()
	run(func() {
		<-ch
	})
}

func loop(wg *sync.WaitGroup) {
	for i := 0; i < 3; i++ {
		wg.Wait()
		go func() {
			wg.Done()
		}()
	}
}
`

func TestMoveAfter(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", moveSrc, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := &File{Fset: fset, AST: f, Src: []byte(moveSrc)}
	st, after, ok := MoveAfter(p, 4, []int{7})
	if !ok || p.Text(st) != "ch <- 1" || p.Line(after.Pos()) != 6 {
		t.Errorf("a send before the call that starts its receiver: ok %v, after line %d", ok, p.Line(after.Pos()))
	}
	if _, after, ok := MoveAfter(p, 13, []int{15}); !ok || p.Line(after.Pos()) != 12 {
		t.Errorf("a Wait inside the loop that starts its Done: ok %v", ok)
	}
	if _, _, ok := MoveAfter(p, 4, []int{7, 15}); ok {
		t.Error("a partner outside what a later statement starts: moved anyway")
	}
}
