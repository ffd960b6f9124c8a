// Package adopt puts leak checking into every package of a module: for a
// run without touching a file ("leakhound test", through go test's
// -overlay), or for good ("leakhound init", written into the tree).
//
// Each package with tests gets a file, leakhound_main_test.go. A package
// without a TestMain gets one that calls leakcheck.VerifyTestMain. A
// package with its own TestMain keeps it: its call of m.Run becomes a call
// of a function in the generated file that runs the tests under
// VerifyTestMain and returns their exit code, so the package's setup and
// teardown still run around the tests and its os.Exit still decides. A
// TestMain that never calls m.Run is left alone and named.
package adopt
