// Package testmain shows leakcheck.VerifyTestMain: one line in TestMain
// checks the whole package after all its tests have run. It is the
// quickest way to start — no test needs changing — and the report still
// names, where it can, the test that started each leftover goroutine.
// Check in each test is more precise (and works with t.Parallel); the two
// combine.
//
// See main_test.go.
package testmain
