package leakcheck

import "github.com/leakhound/leakhound/profile"

// Goroutines every check leaves out.
//
// Some goroutines belong to the machinery around a test rather than to the
// code under test: the runtime's own helpers, the testing package waiting
// for tests and subtests, the signal-handling loop that os/signal starts on
// first use (only that loop: what else waits in os/signal was started by
// the code under test), the reader of an execution trace, the CPU profile writer. They
// are either permanent by design or end with the test binary, so reporting
// them would only teach people to ignore the report. They are recognised by
// their stacks.
//
// What is not on this list is deliberate: an HTTP keep-alive connection, a
// server's accept loop or a timer goroutine started by the test are real
// leaks, and the report says how to close them.

// isMachinery reports whether g is one of the goroutines described above.
func isMachinery(g *profile.Goroutine) bool {
	if len(g.Frames) == 0 {
		return false
	}
	top, ok := topFunction(g.Frames)
	if !ok {
		// Nothing but runtime frames: a runtime helper.
		return true
	}
	switch funcPackage(top) {
	case "testing", "runtime/trace":
		return true
	}
	if hasFunction(g.Frames, "os/signal.loop") {
		// Only the package's own signal loop: other goroutines waiting in
		// os/signal, such as the one signal.NotifyContext starts until its
		// stop function is called, are the test's.
		return true
	}
	if top == "runtime/pprof.profileWriter" {
		return true
	}
	if entry := entryOf(g); funcPackage(entry) == "testing" && allStandard(g.Frames) {
		// The testing package's own helpers, such as the goroutine that
		// copies an example's output.
		return true
	}
	return hasFunction(g.Frames, "runtime.ensureSigM") || hasFunction(g.Frames, "runtime.ReadTrace")
}

// topFunction returns the innermost function of a stack that is not part of
// the runtime itself. Traceback text hides most runtime frames while pprof
// profiles keep some, so skipping them makes both forms agree. ok is false
// when every frame is the runtime's.
func topFunction(frames []profile.Frame) (fn string, ok bool) {
	for _, f := range frames {
		if !f.Runtime() {
			return f.Func, true
		}
	}
	return "", false
}

// runtimeOnly reports whether g is one of the runtime's own goroutines:
// nothing but runtime frames on its stack.
func runtimeOnly(g *profile.Goroutine) bool {
	_, ok := topFunction(g.Frames)
	return len(g.Frames) > 0 && !ok
}

// hasFunction reports whether fn is one of the stack's functions.
func hasFunction(frames []profile.Frame, fn string) bool {
	for _, f := range frames {
		if f.Func == fn {
			return true
		}
	}
	return false
}

// allStandard reports whether every frame belongs to the standard library.
func allStandard(frames []profile.Frame) bool {
	for _, f := range frames {
		if !f.Standard() {
			return false
		}
	}
	return true
}

// funcPackage returns the import path of the package that defines fn.
func funcPackage(fn string) string {
	return profile.Frame{Func: fn}.Package()
}
