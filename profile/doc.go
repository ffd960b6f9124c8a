// Package profile takes and reads snapshots of live goroutines.
//
// A Snapshot lists Goroutines: for each, its ID, the wait state the runtime
// printed, its pprof labels, its stack of Frames and the go statement that
// created it. Snapshots come from the running process (Capture and its
// cheaper relatives) or from any dump a person may save or paste (Parse):
// runtime.Stack output, crash and timeout output, go test -json, and pprof
// goroutine or goroutineleak profiles.
//
// Package profile depends on no other package of leakhound.
package profile
