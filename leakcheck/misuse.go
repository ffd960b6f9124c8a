package leakcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"runtime"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/profile"
)

// Calls that would check nothing, told apart from the right ones so that
// they fail with the fix instead of passing a leaking test in silence.
//
// A deferred Check runs after the test body: every goroutine the test
// started is already alive, so it counts as "there before the test" and the
// check could never fail. Check on a goroutine the test started labels that
// goroutine, not the test's, and its verdict comes when the test ends, not
// when that goroutine does. Both are refused with a test error naming the
// fix; a nil test cannot be failed, so Check(nil) panics saying what to
// pass.

// Messages of the misuses, one home for the words the tests look for.
const (
	deferredCheckMsg = "leakcheck: Check was deferred (defer leakcheck.Check(t)), so it ran after the test body and " +
		"would count every goroutine the test started as older than the test: it cannot fail. " +
		"Call leakcheck.Check(t) as the test's first statement, without defer; it checks when the test ends by itself."
	goroutineCheckMsg = "leakcheck: Check was called from a goroutine the test started, not from the test's own goroutine, " +
		"so it would watch that goroutine instead of the test. Call leakcheck.Check(t) first thing in the test function " +
		"(or use leakcheck.Wrap for a subtest)."
	lateCheckMsg = "leakcheck: Check was called after the test had started goroutines (a deferred Check?), so it would " +
		"count them as older than the test: it could not fail. Call leakcheck.Check(t) as the test's first statement, without defer."
	nilCheckMsg = "leakcheck: Check(nil): pass the running test, benchmark or fuzz target " +
		"(leakcheck.Check(t) with the test's *testing.T, *testing.B or *testing.F)"
	runTwiceMsg = "leakcheck: VerifyTestMain was called after m.Run: it runs the tests itself, so they would run twice. " +
		"Call leakcheck.VerifyTestMain(m) instead of m.Run (setup before it, teardown in a leakcheck.Cleanup option)."
)

// misuse returns the message of a Check that cannot check anything, or ""
// when the call is a right one. skip is the number of frames between the
// caller of Check and misuse.
func misuse(t testing.TB, skip int) string {
	if isNil(t) {
		panic(nilCheckMsg)
	}
	var stack [128]uintptr
	n := runtime.Callers(skip+2, stack[:])
	if n == 0 {
		return ""
	}
	caller, _ := runtime.CallersFrames(stack[:1]).Next()
	if funcPackage(caller.Function) == "runtime" {
		// Called by the runtime: a deferred call run by a panic.
		return deferredCheckMsg
	}
	switch deferred, known := deferredAt(caller.PC, caller.File, caller.Line); {
	case deferred:
		return deferredCheckMsg
	case !known && startedGoroutines(profile.CurrentID()):
		// No source to tell (a -trimpath build): a goroutine the test's
		// goroutine started is alive, so the body has run.
		return lateCheckMsg
	}
	if n == len(stack) {
		// A stack deeper than the look: its entry is out of sight.
		return ""
	}
	// The goroutine's entry function, the frame before runtime.goexit: the
	// testing package's runner for a test, benchmark or fuzz target.
	entry := stack[n-1]
	if n >= 2 {
		if f, _ := runtime.CallersFrames(stack[n-1 : n]).Next(); funcPackage(f.Function) == "runtime" {
			entry = stack[n-2]
		}
	}
	frames := runtime.CallersFrames([]uintptr{entry})
	for {
		f, more := frames.Next()
		if funcPackage(f.Function) == "testing" {
			return ""
		}
		if !more {
			return goroutineCheckMsg
		}
	}
}

// isNil reports whether t is nil or a nil pointer in an interface.
func isNil(t testing.TB) bool {
	if t == nil {
		return true
	}
	v := reflect.ValueOf(t)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// deferredCalls remembers, per call site of Check, whether it is deferred:
// the answer for a program counter never changes, so each call site is
// parsed once per process.
var deferredCalls sync.Map // uintptr → callSite

type callSite struct{ deferred, known bool }

// deferredAt reports whether the call of Check at file:line is a deferred
// call. A deferred call runs where its function returns, so the line the
// runtime gives is a return statement or the function's closing brace,
// where no call of Check is written; a direct call's line holds the call.
// known is false when the source cannot be read.
func deferredAt(pc uintptr, file string, line int) (deferred, known bool) {
	if v, ok := deferredCalls.Load(pc); ok {
		c := v.(callSite)
		return c.deferred, c.known
	}
	var c callSite
	c.deferred, c.known = deferredInSource(file, line)
	deferredCalls.Store(pc, c)
	return c.deferred, c.known
}

// startedGoroutines reports whether a goroutine that goroutine gid started
// is running (machinery aside).
func startedGoroutines(gid int64) bool {
	s, err := profile.Capture()
	if err != nil {
		return false
	}
	for _, g := range s.Goroutines {
		if g.ParentID == gid && g.ID != gid && !isMachinery(g) {
			return true
		}
	}
	return false
}

func deferredInSource(file string, line int) (deferred, known bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		return false, false
	}
	// The innermost function around the line.
	var body *ast.BlockStmt
	ast.Inspect(f, func(n ast.Node) bool {
		var b *ast.BlockStmt
		switch fn := n.(type) {
		case *ast.FuncDecl:
			b = fn.Body
		case *ast.FuncLit:
			b = fn.Body
		}
		if b != nil && fset.Position(b.Pos()).Line <= line && line <= fset.Position(b.End()).Line {
			body = b
		}
		return true
	})
	if body == nil {
		return false, false
	}
	direct := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // another function's calls
		case *ast.DeferStmt:
			if callsCheck(n.Call) {
				deferred = true
			}
			return false
		case *ast.CallExpr:
			if callsCheck(n) && fset.Position(n.Pos()).Line <= line && line <= fset.Position(n.End()).Line {
				direct = true
			}
		}
		return true
	})
	return deferred && !direct, true
}

// callsCheck reports whether call calls a function named Check.
func callsCheck(call *ast.CallExpr) bool {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		return fn.Name == "Check"
	case *ast.SelectorExpr:
		return fn.Sel.Name == "Check"
	}
	return false
}

// ranBefore reports whether m is a *testing.M whose Run was already
// called. The testing package counts the calls (numRun, unexported, read
// only); any other TestingM is taken as not run.
func ranBefore(m TestingM) bool {
	tm, ok := m.(*testing.M)
	if !ok || tm == nil {
		return false
	}
	f := reflect.ValueOf(tm).Elem().FieldByName("numRun")
	return f.IsValid() && f.CanInt() && f.Int() > 0
}
