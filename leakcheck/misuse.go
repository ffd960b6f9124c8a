package leakcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"runtime"
	"sync"
	"testing"
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
	pcs := make([]uintptr, 256)
	n := runtime.Callers(skip+2, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	caller, more := frames.Next()
	if funcPackage(caller.Function) == "runtime" {
		// Called by the runtime: a deferred call run by a panic.
		return deferredCheckMsg
	}
	if deferredAt(caller.PC, caller.File, caller.Line) {
		return deferredCheckMsg
	}
	if n == len(pcs) {
		// A stack deeper than the look: the test's runner may be below.
		return ""
	}
	for f := caller; ; f, more = frames.Next() {
		if funcPackage(f.Function) == "testing" {
			return ""
		}
		if !more {
			break
		}
	}
	return goroutineCheckMsg
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
var deferredCalls sync.Map // uintptr → bool

// deferredAt reports whether the call of Check at file:line is a deferred
// call. A deferred call runs where its function returns, so the line the
// runtime gives is a return statement or the function's closing brace,
// where no call of Check is written; a direct call's line holds the call.
// When the source cannot be read it says no: the call is taken as direct.
func deferredAt(pc uintptr, file string, line int) bool {
	if v, ok := deferredCalls.Load(pc); ok {
		return v.(bool)
	}
	d := deferredInSource(file, line)
	deferredCalls.Store(pc, d)
	return d
}

func deferredInSource(file string, line int) bool {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		return false
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
		return false
	}
	direct, deferred := false, false
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
	return deferred && !direct
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
